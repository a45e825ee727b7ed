"""The `edge` command. Thin: each command parses, calls the domain, prints.

Every command takes `--home DIR`, exits 0 on success and non-zero with a
one-line reason on standard error otherwise.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from edge import paths
from edge.settings import Settings, SettingsError, load


@dataclass
class CliContext:
    """What every subcommand gets as `ctx.obj`."""
    home: Path

    def settings(self) -> Settings:
        return load(self.home)


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
    ctx.obj = CliContext(paths.data_home(home))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli.main(prog_name="edge", standalone_mode=True)
    except SettingsError as error:
        click.echo(f"edge: {error}", err=True)
        sys.exit(2)


def _register_subcommands() -> None:
    from hardware.cli import hw
    cli.add_command(hw)


_register_subcommands()
