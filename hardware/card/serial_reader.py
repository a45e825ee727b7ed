"""Card readers that send one card number per line over a serial port (USB
RFID readers, RDM6300-style modules framed with STX/ETX).

`parse_card_line` is pure: one line in, a card number or None out. A hex
number comes back upper case without separators; a decimal number (EM4100
readers print 10 digits) as its digits.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Callable

import serial

from edge.digits import is_ascii_number
from hardware.card.errors import CardReaderError
from hardware.card.watcher import Watcher

log = logging.getLogger(__name__)

STX, ETX = 0x02, 0x03
_SEPARATORS = re.compile(r"[\s:\-]")
_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
MAX_LINE = 128


def parse_card_line(raw: bytes) -> str | None:
    """A card number from one line the reader sent, or None for noise."""
    if len(raw) > MAX_LINE:
        return None
    try:
        text = raw.replace(bytes([STX]), b"").replace(bytes([ETX]), b"").decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = _SEPARATORS.sub("", text.translate(_PERSIAN_DIGITS)).upper()
    for prefix in ("UID", "CARD", "ID"):
        if text.startswith(prefix + "="):
            text = text[len(prefix) + 1:]
    if not text.isascii():
        return None
    if is_ascii_number(text):
        return text if 6 <= len(text) <= 20 else None
    if not re.fullmatch(r"[0-9A-F]+", text) or len(text) % 2 or not 8 <= len(text) <= 32:
        return None
    if len(text) == 12 and _rdm6300_checksum_ok(text):
        return text[:10]     # 5 data bytes and their XOR checksum
    return text


def _rdm6300_checksum_ok(text: str) -> bool:
    data = bytes.fromhex(text)
    checksum = 0
    for byte in data[:5]:
        checksum ^= byte
    return checksum == data[5]


def normalize_uid(text: str) -> str:
    """A card number typed or read -> its stored form; ValueError if it is none."""
    number = parse_card_line(str(text).encode("utf-8"))
    if number is None:
        raise ValueError(f"not a card number: {text!r}")
    return number


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
