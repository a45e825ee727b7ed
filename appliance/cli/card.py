"""`edge hw card read`: wait for one card and print its number."""

from __future__ import annotations

import json

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options
from hardware.card.errors import CardReaderError
from hardware.card.reading import read_once


@click.group("card")
def card_group() -> None:
    """The card reader."""


@card_group.command("read")
@click.option("--reader", default=None,
              help='Reader: pcsc, "pcsc:NAME", a serial port or sim:// (default: setting card.reader).')
@click.option("--timeout", type=float, default=15.0, show_default=True, help="Seconds to wait for a card.")
@global_options(with_json=True)
@click.pass_obj
def card_read(obj: CliContext, reader: str | None, timeout: float) -> None:
    """Wait for a card and print its number (UID)."""
    settings = obj.settings()
    try:
        read = read_once(reader or settings["card.reader"], timeout, settings["card.baudrate"])
    except CardReaderError as error:
        raise EdgeCommandError(error.message) from None
    if obj.as_json:
        click.echo(json.dumps(read))
    else:
        click.echo(f"card {read['uid']}" + (f" (ATR {read['atr']})" if read["atr"] else "")
                   + f" on {read['reader']}")
