"""`edge hw card read`: wait for one card and print its number."""

from __future__ import annotations

import json
import time

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options
from hardware.card.errors import CardReaderError, NoCard

DEMO_UID = "04A1B2C3D4E5F6"


def read_once(spec: str, timeout: float, baudrate: int = 9600) -> dict:
    """One card from the reader `spec` (as the card.reader setting)."""
    if spec in ("", "none"):
        raise CardReaderError("no card reader configured (card.reader = none)",
                              "کارت‌خوانی تنظیم نشده است", code="disabled")
    if spec == "pcsc" or spec.startswith("pcsc:"):
        from hardware.card.pcsc import PcscReader
        with PcscReader(spec.partition(":")[2] or None) as reader:
            read = reader.wait_for_card(timeout)
        return {"uid": read.uid, "atr": read.atr, "reader": read.reader}
    return _read_serial(spec, timeout, baudrate)


def _read_serial(spec: str, timeout: float, baudrate: int) -> dict:
    import serial

    from hardware.card.serial_reader import LineBuffer, parse_card_line
    simulator = None
    url = spec
    if spec.startswith("sim://"):
        from hardware.card.simulator import SerialCardSimulator
        simulator = SerialCardSimulator().start()
        url = simulator.port
    try:
        try:
            port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.2)
        except (serial.SerialException, OSError, ValueError) as error:
            raise CardReaderError(f"cannot open the card reader {url}: {error}",
                                  f"کارت‌خوان {url} باز نمی‌شود", code="no_reader") from None
        try:
            if simulator is not None:
                simulator.present(DEMO_UID)   # the simulated reader: a card is on it
            lines, deadline = LineBuffer(), time.monotonic() + timeout
            while time.monotonic() < deadline:
                for line in lines.feed(port.read(max(1, port.in_waiting))):
                    number = parse_card_line(line)
                    if number:
                        return {"uid": number, "atr": "", "reader": spec}
            raise NoCard(timeout)
        finally:
            port.close()
    finally:
        if simulator is not None:
            simulator.stop()


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
