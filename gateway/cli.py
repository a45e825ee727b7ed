"""`edge-gateway`: the central gateway's admin command and server."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from edge import paths
from gateway.db import GatewayDbError
from gateway.errors import GatewayError
from gateway.service import Gateway, init_home, open_gateway
from wire.errors import ProtocolError

log = logging.getLogger(__name__)


@dataclass
class GatewayContext:
    home: Path
    db_url: str | None

    def open(self) -> Gateway:
        gateway = open_gateway(self.home, self.db_url)
        gateway.db.connect(reuse_if_open=True)
        return gateway


class GatewayCommandError(click.ClickException):
    def show(self, file=None) -> None:
        click.echo(f"edge-gateway: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Gateway folder (default $EDGE_GATEWAY_HOME, else ~/.local/share/pishkhan-gateway).")
@click.option("--db", "db_url", default=None,
              help="Database URL: sqlite:///PATH (default, in the home) or postgresql://...")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, db_url: str | None) -> None:
    """Pishkhan Edge central gateway."""
    ctx.obj = GatewayContext(
        paths.data_home(home, env_var="EDGE_GATEWAY_HOME",
                        service_home=Path("/var/lib/pishkhan-gateway"), user_dir="pishkhan-gateway"),
        db_url or os.environ.get("EDGE_GATEWAY_DB"))


@cli.command()
@click.pass_obj
def init(obj: GatewayContext) -> None:
    """Create the gateway folder, its keys and its database."""
    gateway = init_home(obj.home, obj.db_url)
    gateway.close()
    click.echo(f"gateway ready in {obj.home}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8800, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.pass_obj
def serve(obj: GatewayContext, host: str, port: int, threads: int) -> None:
    """Serve the gateway's HTTP API."""
    import waitress
    from gateway.app import create_app
    gateway = obj.open()
    gateway.migrate()
    gateway.close()
    app = create_app(gateway)
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="")
    click.echo(f"gateway listening on http://{host}:{server.effective_port}", err=True)
    sys.stderr.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@cli.group()
def office() -> None:
    """Offices the gateway knows."""


@office.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.pass_obj
def office_add(obj: GatewayContext, code: str, name: str) -> None:
    """Add an office CODE."""
    obj.open().add_office(code, name)
    click.echo(f"office {code} added")


@cli.group()
def token() -> None:
    """One-time enrolment tokens."""


@token.command("issue")
@click.argument("code")
@click.option("--hours", default=72, show_default=True, type=click.IntRange(1, 24 * 90))
@click.pass_obj
def token_issue(obj: GatewayContext, code: str, hours: int) -> None:
    """Print a one-time enrolment token for office CODE."""
    click.echo(obj.open().issue_token(code, hours))


@cli.group()
def apikey() -> None:
    """API keys of the central system (feed readers)."""


@apikey.command("issue")
@click.argument("name")
@click.pass_obj
def apikey_issue(obj: GatewayContext, name: str) -> None:
    """Print a new API key named NAME."""
    click.echo(obj.open().issue_api_key(name))


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def publish(obj: GatewayContext, bundle: Path) -> None:
    """Publish BUNDLE.toml as the next signed downlink bundle."""
    version = obj.open().publish(bundle)
    click.echo(f"bundle version {version} published")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def devices(obj: GatewayContext, as_json: bool) -> None:
    """List enrolled devices."""
    rows = obj.open().devices()
    if as_json:
        click.echo(json.dumps({"devices": rows}, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['device']}  tag {row['tag']}  office {row['office']}  "
                   f"held {row['held_seq']}  last seen {row['last_seen_at'] or 'never'}  "
                   f"conflicts {row['conflicts']}")


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
