"""`edge-provision --port URL [--user NAME --password-stdin] status|apply PROFILE|selftest|enroll`.

Each step is one line of progress on standard error (`[2/3] enroll: ...`);
`--json` prints one JSON object on standard output at the end. Exits 0 when
everything went well, 1 when a step failed (the line says why; the box is
as it was before that step), 2 for a bad profile or bad options.
"""

from __future__ import annotations

import getpass
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from edge.i18n import MessageCatalogue
from provisioning.console.texts import Texts
from provisioning.tool.link import ConsoleLink, LinkError, Refusal
from provisioning.tool.profile import Enrolment, Profile, ProfileError, load_profile


@dataclass
class Options:
    """`ctx.obj` of every command. The global options fill it wherever they are
    typed: `edge-provision --port P status` and `edge-provision status --port P`
    are one command; a value given after the subcommand wins."""
    port: str | None = None
    baudrate: int = 115200
    user: str | None = None
    password_stdin: bool = False
    lang: str = "fa"
    timeout: float = 3.0
    as_json: bool = False

    @property
    def url(self) -> str:
        """The serial console; `--port` is required, checked here once for every command."""
        if self.port is None:
            raise click.UsageError("give the box's serial console with --port URL")
        return self.port

    @property
    def texts(self) -> Texts:
        return Texts(MessageCatalogue(), self.lang)


def _remember(field: str) -> Callable:
    """A callback that keeps an option's value in `Options` when it was typed
    (options default to None, so a leaf's absent option never undoes the root's)."""
    def callback(ctx: click.Context, _param, value) -> None:
        if value is not None and value is not False:
            setattr(ctx.ensure_object(Options), field, value)
    return callback


def _option(flag: str, field: str, **details) -> Callable:
    return click.option(flag, field, expose_value=False, callback=_remember(field), **details)


def global_options(command: Callable) -> Callable:
    """The tool's options on the root and on each leaf command, so they work
    before or after the subcommand."""
    declared = [
        _option("--port", "port", metavar="URL",
                help="The box's serial console: /dev/ttyUSB0, /dev/pts/N, socket://HOST:PORT ... "
                     "(required)"),
        _option("--baudrate", "baudrate", type=int, help="Default 115200."),
        _option("--user", "user", help="Technician account on the box."),
        _option("--password-stdin", "password_stdin", is_flag=True,
                help="Read the password as one line of stdin."),
        _option("--lang", "lang", type=click.Choice(["fa", "en"]),
                help="Language of the progress lines and the box's messages (en: plain ASCII). "
                     "Default fa."),
        _option("--timeout", "timeout", type=float,
                help="Seconds to wait for an answer before asking again. Default 3."),
        _option("--json", "as_json", is_flag=True, help="Print one JSON object."),
    ]
    for option in reversed(declared):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """The technician's tool: provision a Pishkhan Edge box over its serial console."""
    ctx.ensure_object(Options)


@contextmanager
def logged_in(options: Options) -> Iterator[ConsoleLink]:
    url = options.url
    user = options.user or _ask_user()
    password = _read_password(options.password_stdin)
    link = ConsoleLink.open(url, options.baudrate, timeout=options.timeout)
    try:
        link.hello(options.lang)
        link.request("login", {"user": user, "password": password})
        yield link
        link.request("bye")
    finally:
        link.close()


def _ask_user() -> str:
    if not sys.stdin.isatty():
        raise click.ClickException("give the technician account with --user NAME")
    return click.prompt("User")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.ClickException("no terminal to ask for the password; use --password-stdin")
    return getpass.getpass("Password: ")


@dataclass
class Step:
    name: str
    run: Callable[[ConsoleLink, Texts], tuple[dict[str, Any], str]]   # (result, words)


def run_steps(options: Options, steps: list[Step]) -> None:
    """Each step in turn with a progress line; stops at the first failure."""
    done: list[dict[str, Any]] = []
    failure = None
    t = options.texts
    with logged_in(options) as link:
        for number, step in enumerate(steps, start=1):
            try:
                result, words = step.run(link, t)
            except Refusal as refusal:
                failure = {"step": step.name, "code": refusal.code, "reason": str(refusal)}
                click.echo(f"[{number}/{len(steps)}] {step.name}: "
                           + t.gettext("FAILED: %(reason)s", reason=str(refusal)), err=True)
                break
            done.append({"step": step.name, "result": result})
            click.echo(f"[{number}/{len(steps)}] {step.name}: {words}", err=True)
    if options.as_json:
        click.echo(json.dumps({"ok": failure is None, "steps": done, "failed": failure},
                              ensure_ascii=False))
    if failure is not None:
        raise SystemExit(1)


def settings_step(values: dict[str, Any]) -> Step:
    def run(link: ConsoleLink, t: Texts):
        result = link.request("settings_set", {"values": values})
        changed = result["changed"]
        return result, t.gettext("changed %(names)s", names=", ".join(changed)) if changed else t.gettext("unchanged")
    return Step("settings", run)


def enroll_step(enrolment: Enrolment) -> Step:
    def run(link: ConsoleLink, t: Texts):
        result = link.request("enroll", {"gateway": enrolment.gateway, "token": enrolment.token})
        words = t.gettext("Enrolled with %(gateway)s for office %(office)s.", gateway=result["gateway"],
                  office=result["office"])
        return result, words if result["changed"] else f"{t.gettext('unchanged')} ({words})"
    return Step("enroll", run)


def selftest_step() -> Step:
    def run(link: ConsoleLink, t: Texts):
        report = link.request("selftest")
        if not report["ok"]:
            failed = [f"{c['name']}: {c['detail']}" for c in report["checks"] if not c["ok"]]
            raise Refusal("selftest.failed", "; ".join(failed))
        return report, "; ".join(f"{c['name']} {t.gettext('ok')}" for c in report["checks"])
    return Step("selftest", run)


def steps_of(profile: Profile) -> list[Step]:
    steps = [settings_step(profile.settings)] if profile.settings else []
    if profile.enroll is not None:
        steps.append(enroll_step(profile.enroll))
    if profile.selftest:
        steps.append(selftest_step())
    return steps


@cli.command()
@global_options
@click.pass_obj
def status(options: Options) -> None:
    """The box's identity, enrolment and devices."""
    with logged_in(options) as link:
        found = link.request("identify")
    if options.as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    for key in ("device_id", "tag", "version", "enrolled", "gateway", "office", "clock",
                "unsent_records", "signing_key", "exchange_key"):
        click.echo(f"{key}: {found[key]}")
    for name, device in found["devices"].items():
        click.echo(f"{name}: {options.texts.words(device['words']) or device['state']}")


@cli.command()
@click.argument("profile_path", metavar="PROFILE", type=click.Path(dir_okay=False, path_type=Path))
@global_options
@click.pass_obj
def apply(options: Options, profile_path: Path) -> None:
    """Apply a profile (settings, enrolment, self-test); again changes nothing."""
    try:
        profile = load_profile(profile_path)
    except ProfileError as error:
        raise click.UsageError(str(error)) from None
    run_steps(options, steps_of(profile))


@cli.command()
@global_options
@click.pass_obj
def selftest(options: Options) -> None:
    """Test receipt, modem, card reader and front panel."""
    run_steps(options, [selftest_step()])


@cli.command()
@click.option("--gateway", required=True, help="Gateway URL, https://HOST")
@click.option("--token", required=True, help="One-time enrolment token from the centre.")
@global_options
@click.pass_obj
def enroll(options: Options, gateway: str, token: str) -> None:
    """Enrol the box with the centre's gateway."""
    run_steps(options, [enroll_step(Enrolment(gateway, token))])


def main() -> None:
    try:
        cli.main(prog_name="edge-provision", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("edge-provision: stopped", err=True)
        sys.exit(130)
    except click.ClickException as error:   # bad options or profile: 2; other refusals: 1
        click.echo(f"edge-provision: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except (Refusal, LinkError) as error:
        click.echo(f"edge-provision: {error}", err=True)
        sys.exit(1)
