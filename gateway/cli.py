"""`edge-gateway`: the central gateway's admin command and server."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from gateway.db import GatewayDbError
from gateway.errors import GatewayError
from gateway.receipts import verify_receipt
from gateway.service import Gateway, init_home, open_gateway
from wire.errors import ProtocolError

log = logging.getLogger(__name__)


def gateway_home(explicit: Path | None) -> Path:
    """`--home`, else `$EDGE_GATEWAY_HOME`, else ~/.local/share/pishkhan-gateway."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    if os.environ.get("EDGE_GATEWAY_HOME"):
        return Path(os.environ["EDGE_GATEWAY_HOME"]).expanduser().resolve()
    return Path.home() / ".local" / "share" / "pishkhan-gateway"


@dataclass
class GatewayOptions:
    """The global options, gathered wherever they were typed: before or after
    the subcommand (`edge-gateway --home H devices` or `edge-gateway devices --home H`)."""
    home_arg: Path | None = None
    db_arg: str | None = None
    as_json: bool = False

    @property
    def home(self) -> Path:
        return gateway_home(self.home_arg)

    @property
    def db_url(self) -> str | None:
        return self.db_arg or os.environ.get("EDGE_GATEWAY_DB")

    def open(self) -> Gateway:
        gateway = open_gateway(self.home, self.db_url)
        gateway.db.connect(reuse_if_open=True)
        return gateway

    def say(self, text: str, **data) -> None:
        """One line for people, or with --json one JSON object of `data`."""
        click.echo(json.dumps(data, ensure_ascii=False) if self.as_json else text)


def _remember(ctx: click.Context, param: click.Parameter, value):
    if value:
        setattr(ctx.ensure_object(GatewayOptions), param.name, value)


_GLOBAL_OPTIONS = (
    click.option("--home", "home_arg", type=click.Path(file_okay=False, path_type=Path),
                 expose_value=False, callback=_remember,
                 help="Gateway folder (default $EDGE_GATEWAY_HOME, else ~/.local/share/pishkhan-gateway)."),
    click.option("--db", "db_arg", expose_value=False, callback=_remember,
                 help="Database URL: sqlite:///PATH (default, in the home) or postgresql://..."),
    click.option("--json", "as_json", is_flag=True, expose_value=False, callback=_remember,
                 help="Print one JSON object."),
)


def global_options(command):
    """The global options on a group or command, so they work at any level."""
    for option in reversed(_GLOBAL_OPTIONS):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Pishkhan Edge central gateway."""
    ctx.ensure_object(GatewayOptions)


@cli.command()
@global_options
@click.pass_obj
def init(obj: GatewayOptions) -> None:
    """Create the gateway folder, its keys and its database."""
    gateway = init_home(obj.home, obj.db_url)
    gateway.close()
    obj.say(f"gateway ready in {obj.home}", home=str(obj.home))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8800, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@global_options
@click.pass_obj
def serve(obj: GatewayOptions, host: str, port: int, threads: int) -> None:
    """Serve the gateway's HTTP API."""
    from gateway.app import create_app
    from gateway.server import create_server
    gateway = obj.open()
    gateway.migrate()
    gateway.close()
    app = create_app(gateway)
    server = create_server(app, host, port, threads)
    url = f"http://{host}:{server.effective_port}"
    click.echo(f"gateway listening on {url}", err=True)
    if obj.as_json:
        obj.say("", url=url)     # a script learns the port chosen for --port 0
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@cli.group()
@global_options
def office() -> None:
    """Offices the gateway knows."""


@office.command("add")
@click.argument("code")
@click.option("--name", required=True)
@global_options
@click.pass_obj
def office_add(obj: GatewayOptions, code: str, name: str) -> None:
    """Add an office CODE."""
    obj.open().add_office(code, name)
    obj.say(f"office {code} added", office=code, name=name)


@cli.group()
@global_options
def token() -> None:
    """One-time enrolment tokens."""


@token.command("issue")
@click.argument("code")
@click.option("--hours", default=72, show_default=True, type=click.IntRange(1, 24 * 90))
@global_options
@click.pass_obj
def token_issue(obj: GatewayOptions, code: str, hours: int) -> None:
    """Print a one-time enrolment token for office CODE."""
    issued = obj.open().issue_token(code, hours)
    obj.say(issued, token=issued, office=code, hours=hours)


@cli.group()
@global_options
def apikey() -> None:
    """API keys of the central system (feed readers)."""


@apikey.command("issue")
@click.argument("name")
@global_options
@click.pass_obj
def apikey_issue(obj: GatewayOptions, name: str) -> None:
    """Print a new API key named NAME."""
    key = obj.open().issue_api_key(name)
    obj.say(key, key=key, name=name)


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@global_options
@click.pass_obj
def publish(obj: GatewayOptions, bundle: Path) -> None:
    """Publish BUNDLE.toml as the next signed downlink bundle."""
    version = obj.open().publish(bundle)
    obj.say(f"bundle version {version} published", version=version)


@cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@global_options
@click.pass_obj
def import_batches(obj: GatewayOptions, folder: Path) -> None:
    """Ingest the batches a box wrote with `edge export-outbox` (a USB stick),
    under the same exactly-once rules as an upload."""
    files = sorted(folder.glob("*.batch"))
    gateway = obj.open()
    for path in files:   # each batch stands alone: the ones before a bad file stay imported
        try:
            gateway.ingest(path.read_bytes())
        except (GatewayError, ProtocolError) as error:
            raise click.ClickException(f"{path.name}: {error}") from None
    obj.say(f"{len(files)} batch file(s) imported from {folder}", batches=len(files))


@cli.command("export-bundle")
@click.argument("device")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@global_options
@click.pass_obj
def export_bundle(obj: GatewayOptions, device: str, target: Path) -> None:
    """Write the newest signed bundle for DEVICE's office to TARGET (a USB
    stick), for `edge import-bundle TARGET` on the box."""
    envelope = obj.open().bundle_for(device)
    if envelope is None:
        raise click.ClickException("no bundle published yet: edge-gateway publish BUNDLE.toml")
    # a half-written file is harmless: the box checks the centre's signature first
    target.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    version = envelope["bundle"]["version"]
    obj.say(f"bundle version {version} for {device} written to {target}", version=version)


@cli.command()
@global_options
@click.pass_obj
def devices(obj: GatewayOptions) -> None:
    """List enrolled devices."""
    rows = obj.open().devices()
    if obj.as_json:
        obj.say("", devices=rows)
        return
    for row in rows:
        click.echo(f"{row['device']}  tag {row['tag']}  office {row['office']}  "
                   f"held {row['held_seq']}  last seen {row['last_seen_at'] or 'never'}  "
                   f"conflicts {row['conflicts']}")


@cli.command("verify-receipt")
@click.argument("text")
@global_options
@click.pass_obj
def verify_receipt_command(obj: GatewayOptions, text: str) -> None:
    """Check a receipt's QR text: valid or forged, and which box and office issued it."""
    result = verify_receipt(obj.open(), text)
    if result["valid"]:
        obj.say(f"valid: receipt {result['tracking_code']} for {result['fee_rials']:,} rials "
                f"at {result['issued_at']}, issued by box {result['device']} of office "
                f"{result['office']} ({result['office_name']})", **result)
        return
    if obj.as_json:
        obj.say("", **result)
    raise click.ClickException(f"forged: receipt {result['tracking_code']} for "
                               f"{result['fee_rials']:,} rials: {result['reason']}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli.main(prog_name="edge-gateway", standalone_mode=False)
    except click.ClickException as error:
        click.echo(f"edge-gateway: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        sys.exit(1)
    except (GatewayError, GatewayDbError, ProtocolError) as error:
        click.echo(f"edge-gateway: {error}", err=True)
        sys.exit(1)
    except Exception as error:   # a database that cannot be reached, for one
        if type(error).__module__.startswith(("peewee", "psycopg2", "sqlite3")):
            click.echo(f"edge-gateway: database error: {error}", err=True)
            sys.exit(1)
        # the operator gets one line; the log has the rest
        logging.getLogger("gateway").debug("unexpected error", exc_info=True)
        click.echo(f"edge-gateway: unexpected error: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
