"""The `edge` command: the root group, its groups registered here and only
here, and `main`, which turns every failure into one line on standard error.

Every command takes `--home DIR` before or after its name, exits 0 on
success and non-zero with a one-line reason on standard error otherwise.
"""

from __future__ import annotations

import logging
import sys

import click

from appliance.cli import (box, card, confidential, console, hardware, modem, retention, sync,
                           users)
from appliance.cli.context import CliContext, global_options
from edge.errors import EdgeError
from edge.settings import SettingsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@global_options(with_json=True)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Pishkhan Edge: the offline service appliance."""
    ctx.ensure_object(CliContext)


for command in (*box.COMMANDS, users.user, hardware.hw, sync.enroll, sync.sync,
                sync.export_outbox, sync.import_bundle, console.console, confidential.confidential,
                retention.retention):
    cli.add_command(command)
for command in (modem.modem_group, card.card_group):
    hardware.hw.add_command(command)


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
