"""Card readers that send one card number per line over a serial port (USB
RFID readers, RDM6300-style modules framed with STX/ETX).

`parse_card_line` is pure: one line in, a card number or None out. A hex
number comes back upper case without separators; a decimal number (EM4100
readers print 10 digits) as its digits.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

import serial

from edge import users
from hardware.card.errors import CardReaderError
from hardware.card.watcher import Watcher

log = logging.getLogger(__name__)

STX, ETX = 0x02, 0x03
MAX_LINE = 128


def parse_card_line(raw: bytes) -> str | None:
    """A card number from one line the reader sent, or None for noise."""
    if len(raw) > MAX_LINE:
        return None
    try:
        text = raw.replace(bytes([STX]), b"").replace(bytes([ETX]), b"").decode("utf-8")
    except UnicodeDecodeError:
        return None
    return users.card_number(text)


class LineBuffer:
    """Bytes in, lines out: CR, LF and ETX end a line."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        lines = []
        while True:
            positions = [i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n"),
                                     self._buffer.find(bytes([ETX]))) if i >= 0]
            if not positions:
                break
            end = min(positions)
            lines.append(bytes(self._buffer[:end]))
            del self._buffer[:end + 1]
        if len(self._buffer) > MAX_LINE:
            self._buffer.clear()
        return [line for line in lines if line.strip(b"\x02 \t")]


class SerialCardWatcher(Watcher):
    """Card numbers from a serial URL, one per line (see `Watcher`)."""

    thread_name = "serial-card-reader"

    def __init__(self, url: str, on_card: Callable, on_removed: Callable = lambda reader: None,
                 on_error: Callable[[CardReaderError], None] = lambda error: None,
                 baudrate: int = 9600, open_port=serial.serial_for_url):
        super().__init__(on_card, on_removed, on_error)
        self.url = url
        self.baudrate = baudrate
        self._open_port = open_port
        self.connected = threading.Event()   # the port is open (what came before is lost, as on a real port)

    def _run(self) -> None:
        from hardware.card.pcsc import CardRead
        while not self._stopping.is_set():
            try:
                port = self._open_port(self.url, baudrate=self.baudrate, timeout=0.2)
            except (serial.SerialException, OSError, ValueError) as error:
                self.on_error(CardReaderError(f"cannot open the card reader {self.url}: {error}",
                                              f"کارت‌خوان {self.url} باز نمی‌شود", code="no_reader"))
                self._stopping.wait(2.0)
                continue
            lines = LineBuffer()
            self.connected.set()
            try:
                while not self._stopping.is_set():
                    for line in lines.feed(port.read(max(1, port.in_waiting))):
                        number = parse_card_line(line)
                        if number is None:
                            log.info("card reader %s: ignored line %r", self.url, line[:40])
                            continue
                        self.on_card(CardRead(number, "", self.url))
            except (serial.SerialException, OSError) as error:
                self.on_error(CardReaderError(f"the card reader {self.url} went away: {error}",
                                              f"ارتباط با کارت‌خوان {self.url} قطع شد", code="no_reader"))
                self._stopping.wait(1.0)
            finally:
                self.connected.clear()
                port.close()
