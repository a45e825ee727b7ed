"""The `edge` command. Thin: each command parses, calls the domain, prints.

Every command takes `--home DIR`, exits 0 on success and non-zero with a
one-line reason on standard error otherwise.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from edge import paths
from edge.errors import EdgeError
from edge.settings import Settings, SettingsError, load


@dataclass
class CliContext:
    """What every subcommand gets as `ctx.obj`."""
    home: Path
    home_given: bool = False

    def settings(self) -> Settings:
        return load(self.home)

    def box(self, attach: bool = False):
        from edge.box import open_box
        return open_box(self.home, attach=attach)


class EdgeCommandError(click.ClickException):
    """A one-line failure for standard error, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"edge: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data folder (default $EDGE_HOME, else ~/.local/share/pishkhan-edge).")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """Pishkhan Edge: the offline service appliance."""
    ctx.obj = CliContext(paths.data_home(home), home_given=home is not None)


@cli.command()
@click.pass_obj
def init(obj: CliContext) -> None:
    """Create the data folder, settings file, database and device keys."""
    from edge.box import init_box
    box, made = init_box(obj.home)
    device = box.keys.device_id
    box.close()
    for path in made:
        click.echo(f"made {path}")
    click.echo(f"box {device} ready in {obj.home}; add accounts with: edge user add NAME --role operator")


@cli.command()
@click.option("--host", default=None, help="Address to listen on (setting http.host).")
@click.option("--port", type=int, default=None, help="Port to listen on (setting http.port).")
@click.pass_obj
def run(obj: CliContext, host: str | None, port: int | None) -> None:
    """Serve the portal and API, with the sync agent and hardware workers."""
    from edge.serve import run_until_signalled
    box = obj.box(attach=True)
    settings = box.settings
    logging.getLogger().setLevel(settings["log.level"])
    appliance = _listen(box, host or settings["http.host"], port or settings["http.port"],
                        settings["http.threads"])
    run_until_signalled([appliance], on_ready=lambda: click.echo(f"serving on {appliance.url}"))


def _listen(box, host: str, port: int, threads: int):
    from edge.serve import Appliance
    try:
        return Appliance(box, host, port, threads)
    except OSError as error:
        box.close()
        raise EdgeCommandError(f"cannot listen on {host}:{port}: {error.strerror}") from None


@cli.group()
def user() -> None:
    """Accounts of operators, supervisors and technicians."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["operator", "supervisor", "technician"]),
              required=True)
@click.option("--full-name", default="", help="Name shown in the portal and on receipts.")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line of stdin.")
@click.pass_obj
def user_add(obj: CliContext, username: str, role: str, full_name: str,
             password_stdin: bool) -> None:
    """Add an account; asks for its password at the terminal."""
    from edge import users
    password = _read_password(password_stdin)
    box = obj.box()
    try:
        users.add_user(box.store, box.events, username, full_name or username, role, password)
    finally:
        box.close()
    click.echo(f"added {role} {username}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise EdgeCommandError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise EdgeCommandError("no terminal to ask for the password; use --password-stdin")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def check(obj: CliContext, as_json: bool) -> None:
    """Check the database's integrity and the audit chain."""
    from edge.check import check_box
    box = obj.box()
    try:
        report = check_box(box.store)
    finally:
        box.close()
    if as_json:
        click.echo(json.dumps({"ok": report.ok, "integrity_problems": report.integrity_problems,
                               "audit_entries": report.audit_entries,
                               "first_broken_entry": report.first_broken_entry,
                               "audit_problem": report.audit_problem}))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the copy (default HOME/backups/edge-DATE.db).")
@click.pass_obj
def backup(obj: CliContext, target: Path | None) -> None:
    """Write a consistent copy of the database."""
    from edge.backup import backup_database, default_target
    box = obj.box()
    try:
        written = backup_database(box.store.path, target or default_target(obj.home, box.clock.now()))
    finally:
        box.close()
    click.echo(f"backup written to {written}")


@cli.command()
@click.option("--host", default="127.0.0.1", help="Address of the demo box.")
@click.option("--port", type=int, default=8080, help="Port of the demo box.")
@click.pass_obj
def demo(obj: CliContext, host: str, port: int) -> None:
    """A demo box with the demo catalogue and accounts; Ctrl-C stops it."""
    from edge.demo import DemoFolder, prepare_demo_box, with_simulated_hardware
    from edge.serve import run_until_signalled
    with DemoFolder(obj.home if obj.home_given else None) as home:
        box, credentials = prepare_demo_box(home)
        logging.getLogger().setLevel(box.settings["log.level"])
        box.settings = with_simulated_hardware(box.settings)
        from sync_agent.demo import enroll_demo_box, pause_on_signal, start_gateway
        gateway = start_gateway(home / "gateway", box.settings["office.code"],
                                box.settings["office.name"],
                                port=box.settings["sync.demo_gateway_port"])
        enroll_demo_box(box, gateway)
        box.attach_components()
        appliance = _listen(box, host, port, box.settings["http.threads"])

        def announce() -> None:
            click.echo(f"Pishkhan Edge demo: data folder {home}")
            click.echo(f"  portal  {appliance.url}/login")
            click.echo(f"  gateway {gateway.url}/v1/feed  (Authorization: Bearer {gateway.api_key})")
            click.echo(f"          {pause_on_signal(gateway)}")
            for username, password in credentials.items():
                click.echo(f"  login   {username} / {password}")
            click.echo("  Ctrl-C stops the demo")

        run_until_signalled([gateway, appliance], on_ready=announce)


def _register_subcommands() -> None:
    from hardware.cli import hw
    from provisioning.console.command import console
    from sync_agent.cli import enroll, sync
    cli.add_command(console)
    cli.add_command(hw)
    cli.add_command(enroll)
    cli.add_command(sync)


_register_subcommands()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli.main(prog_name="edge", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("edge: stopped", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except SettingsError as error:
        click.echo(f"edge: {error}", err=True)
        sys.exit(2)
    except EdgeError as error:
        click.echo(f"edge: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        click.echo(f"edge: {error.strerror or error}{where}", err=True)
        sys.exit(1)
    except Exception as error:  # the operator gets one line; the log has the rest
        logging.getLogger("edge").debug("unexpected error", exc_info=True)
        click.echo(f"edge: unexpected error: {error.__class__.__name__}: {error}", err=True)
        sys.exit(1)
