"""One card from a reader named as the card.reader setting names it, for
`edge hw card read` (the running box's reader is `hardware.card.service`)."""

from __future__ import annotations

import time

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
