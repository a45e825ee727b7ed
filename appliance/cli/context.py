"""What every `edge` command shares: the global options, the data folder,
the one way to open a box for a command, and the one-line error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from appliance import assembly
from edge import paths
from edge.box import Box
from edge.settings import Settings


@dataclass
class CliContext:
    """`ctx.obj` of every command. The global options fill it wherever they
    are typed: `edge --home D init` and `edge init --home D` are one command."""
    home_given: Path | None = None
    as_json: bool = False

    @property
    def home(self) -> Path:
        return paths.data_home(self.home_given)

    def settings(self) -> Settings:
        return assembly.load_settings(self.home)

    def open_box(self, with_parts: bool = False) -> AbstractContextManager[Box]:
        """The box of the data folder for one command, closed when it ends."""
        return closing(assembly.open_box(self.home, with_parts=with_parts))

    @contextmanager
    def init_box(self) -> Iterator[tuple[Box, list[str]]]:
        """The data folder made (what exists is kept) and its box, closed when
        the command ends; also yields the paths that were made."""
        box, made = assembly.init_box(self.home)
        with closing(box):
            yield box, made


class EdgeCommandError(click.ClickException):
    """A one-line failure for standard error, exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"edge: {self.format_message()}", err=True)


def _remember_home(ctx: click.Context, _param, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(CliContext).home_given = value


def _remember_json(ctx: click.Context, _param, value: bool) -> None:
    if value:
        ctx.ensure_object(CliContext).as_json = True


def global_options(with_json: bool = False) -> Callable:
    """`--home` (and `--json` for commands that print a report) on the root
    and on each leaf command, so they work before or after the subcommand."""
    def decorate(command: Callable) -> Callable:
        if with_json:
            command = click.option("--json", "as_json", is_flag=True, expose_value=False,
                                   callback=_remember_json,
                                   help="Print one JSON object.")(command)
        return click.option("--home", type=click.Path(file_okay=False, path_type=Path),
                            default=None, expose_value=False, callback=_remember_home,
                            help="Data folder (default $EDGE_HOME, else "
                                 "~/.local/share/pishkhan-edge).")(command)
    return decorate
