"""ESC/POS as pure functions: command builders, the DLE EOT status parser and
an incremental parser of a command stream (used by the simulator).

Nothing here does I/O. The commands are the Epson ESC/POS subset that every
58/80 mm thermal printer of the last fifteen years understands: ESC @, ESC a,
ESC d, GS V, GS v 0 (raster bit image), GS ( k (QR code) and DLE EOT (real-time
status).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

ESC = 0x1B
GS = 0x1D
DLE = 0x10
EOT = 0x04
LF = 0x0A

INIT = b"\x1b@"
LINE_FEED = b"\n"

ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT = 0, 1, 2

# GS ( k, QR code (cn = 49): function numbers.
QR_MODEL_2 = 50
QR_ERROR_LEVELS = {"L": 48, "M": 49, "Q": 50, "H": 51}

# DLE EOT n: which status to transmit.
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ERROR_CAUSE, STATUS_PAPER = 1, 2, 3, 4
STATUS_QUERIES = (STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ERROR_CAUSE, STATUS_PAPER)

# Raster blocks are sent in bands: cheap printers have a small receive buffer
# and some refuse a single GS v 0 taller than this.
RASTER_BAND_ROWS = 256


class EscPosError(ValueError):
    """A command that cannot be built from the given arguments."""


def _byte(value: int, what: str) -> bytes:
    if not 0 <= value <= 255:
        raise EscPosError(f"{what} must be 0..255, got {value}")
    return bytes((value,))


def _u16(value: int, what: str) -> bytes:
    if not 0 <= value <= 0xFFFF:
        raise EscPosError(f"{what} must be 0..65535, got {value}")
    return value.to_bytes(2, "little")


def align(where: int) -> bytes:
    """ESC a n: 0 left, 1 centre, 2 right."""
    if where not in (ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT):
        raise EscPosError(f"alignment must be 0, 1 or 2, got {where}")
    return b"\x1ba" + bytes((where,))


def feed_lines(lines: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    return b"\x1bd" + _byte(lines, "lines to feed")


def feed_dots(dots: int) -> bytes:
    """ESC J n: print the buffer and feed n dot rows (motion units)."""
    return b"\x1bJ" + _byte(dots, "dots to feed")


def cut(partial: bool = True, feed: int = 3) -> bytes:
    """GS V m n: feed n dot lines past the cutter position, then cut."""
    return b"\x1dV" + bytes((66 if partial else 65,)) + _byte(feed, "feed before cut")


def raster_image(width_bytes: int, height: int, data: bytes) -> bytes:
    """GS v 0 m xL xH yL yH d1..dk: one raster bit image, 1 bits print black,
    most significant bit leftmost, rows of `width_bytes` bytes."""
    if width_bytes <= 0 or height <= 0:
        raise EscPosError("a raster image needs a width and a height")
    if len(data) != width_bytes * height:
        raise EscPosError(f"raster data is {len(data)} bytes, "
                          f"expected {width_bytes} x {height} = {width_bytes * height}")
    return (b"\x1dv0\x00" + _u16(width_bytes, "raster width in bytes")
            + _u16(height, "raster height") + data)


def raster_bands(width_bytes: int, height: int, data: bytes,
                 band_rows: int = RASTER_BAND_ROWS) -> bytes:
    """One tall image as consecutive GS v 0 bands (printed without a gap)."""
    out = bytearray()
    for top in range(0, height, band_rows):
        rows = min(band_rows, height - top)
        start = top * width_bytes
        out += raster_image(width_bytes, rows, data[start:start + rows * width_bytes])
    return bytes(out)


def raster_skipping_blank(width_bytes: int, height: int, data: bytes,
                          min_gap: int = 8, band_rows: int = RASTER_BAND_ROWS) -> bytes:
    """Like raster_bands, but runs of at least `min_gap` blank rows are sent
    as ESC J paper feeds: a receipt is mostly white space between lines, and
    on a 19200 baud serial line every byte saved is time saved."""
    blank_row = bytes(width_bytes)
    out, top, row = bytearray(), 0, 0

    def flush_ink(end: int) -> None:
        if end > top:
            out.extend(raster_bands(width_bytes, end - top,
                                    data[top * width_bytes:end * width_bytes], band_rows))

    while row < height:
        if data[row * width_bytes:(row + 1) * width_bytes] != blank_row:
            row += 1
            continue
        gap_end = row
        while gap_end < height and data[gap_end * width_bytes:(gap_end + 1) * width_bytes] == blank_row:
            gap_end += 1
        if gap_end - row >= min_gap:
            flush_ink(row)
            gap = gap_end - row
            while gap:
                out += feed_dots(min(gap, 255))
                gap -= min(gap, 255)
            top = gap_end
        row = gap_end
    flush_ink(height)
    return bytes(out)


def _qr_function(fn: int, parameters: bytes) -> bytes:
    """GS ( k pL pH cn fn parameters, cn = 49 (QR code)."""
    return b"\x1d(k" + _u16(len(parameters) + 2, "QR data length") + bytes((49, fn)) + parameters


def qr_code(data: bytes, module_size: int = 6, error_level: str = "M") -> bytes:
    """The five GS ( k functions that print one QR code: model 2, module size,
    error correction level, store the data, print it."""
    if not data:
        raise EscPosError("a QR code needs data")
    if len(data) > 7089:
        raise EscPosError(f"QR data is {len(data)} bytes, the most a QR code holds is 7089")
    if not 1 <= module_size <= 16:
        raise EscPosError(f"QR module size must be 1..16 dots, got {module_size}")
    if error_level not in QR_ERROR_LEVELS:
        raise EscPosError(f"QR error level must be one of L, M, Q, H, got {error_level!r}")
    return (_qr_function(65, bytes((QR_MODEL_2, 0)))
            + _qr_function(67, bytes((module_size,)))
            + _qr_function(69, bytes((QR_ERROR_LEVELS[error_level],)))
            + _qr_function(80, b"0" + data)
            + _qr_function(81, b"0"))


def status_query(which: int) -> bytes:
    """DLE EOT n: ask for one real-time status byte."""
    if which not in STATUS_QUERIES:
        raise EscPosError(f"DLE EOT status must be 1..4, got {which}")
    return bytes((DLE, EOT, which))


# --- DLE EOT answers -------------------------------------------------------

def is_status_byte(value: int) -> bool:
    """A DLE EOT answer has bits 1 and 4 set and bits 0 and 7 clear."""
    return value & 0x93 == 0x12


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; None where it did not say."""
    answered: bool = False
    online: bool | None = None
    cover_open: bool | None = None
    paper_out: bool | None = None
    paper_near_end: bool | None = None
    error: str | None = None

    @property
    def ready(self) -> bool:
        """Safe to send a receipt: it answered and nothing is wrong. A printer
        that does not answer (a plain file, a write-only device) is not
        known to be ready; callers decide whether to print anyway."""
        return (self.answered and self.online is not False and not self.cover_open
                and not self.paper_out and self.error is None)

    @property
    def code(self) -> str:
        """The state as one of STATE_CODES, for programs and translations."""
        return {"no answer": "no_answer", "cover open": "cover_open",
                "paper out": "paper_out", "offline": "offline", "ready": "ready",
                "ready, paper near end": "paper_near_end"}.get(self.state, "error")

    @property
    def state(self) -> str:
        """The state in words, worst first."""
        if not self.answered:
            return "no answer"
        if self.cover_open:
            return "cover open"
        if self.paper_out:
            return "paper out"
        if self.error:
            return f"error: {self.error}"
        if self.online is False:
            return "offline"
        if self.paper_near_end:
            return "ready, paper near end"
        return "ready"

    def as_dict(self) -> dict:
        return {"state": self.state, "code": self.code, "ready": self.ready, "answered": self.answered,
                "online": self.online, "cover_open": self.cover_open,
                "paper_out": self.paper_out, "paper_near_end": self.paper_near_end,
                "error": self.error}


def _last_status_byte(answer: bytes | None) -> int | None:
    """The last well-formed status byte: a printer with automatic status back
    on may have sent other bytes before it."""
    for value in reversed(answer or b""):
        if is_status_byte(value):
            return value
    return None


def parse_status(answers: Mapping[int, bytes | None]) -> PrinterStatus:
    """PrinterStatus from the answers to DLE EOT 1..4 ({n: bytes received}).
    Never raises: a missing or malformed answer leaves that part unknown."""
    printer = _last_status_byte(answers.get(STATUS_PRINTER))
    offline = _last_status_byte(answers.get(STATUS_OFFLINE_CAUSE))
    errors = _last_status_byte(answers.get(STATUS_ERROR_CAUSE))
    paper = _last_status_byte(answers.get(STATUS_PAPER))
    if printer is None and offline is None and errors is None and paper is None:
        return PrinterStatus()
    error = None
    if errors is not None:
        if errors & 0x08:
            error = "cutter jammed"
        elif errors & 0x20:
            error = "unrecoverable fault, switch the printer off and on"
        elif errors & 0x40:
            error = "print head too hot"
    if error is None and offline is not None and offline & 0x40:
        error = "printer fault"
    paper_out = None
    if paper is not None:
        paper_out = bool(paper & 0x60)
    if offline is not None and offline & 0x20:
        paper_out = True
    return PrinterStatus(
        answered=True,
        online=None if printer is None else not printer & 0x08,
        cover_open=None if offline is None else bool(offline & 0x04),
        paper_out=paper_out,
        paper_near_end=None if paper is None else bool(paper & 0x0C),
        error=error)


def status_answer(which: int, *, online: bool = True, cover_open: bool = False,
                  paper_out: bool = False, paper_near_end: bool = False,
                  error: str | None = None) -> bytes:
    """The byte a printer in this state sends for DLE EOT `which` (the
    simulator's side of the exchange)."""
    value = 0x12
    if which == STATUS_PRINTER:
        value |= 0x08 if not online else 0
    elif which == STATUS_OFFLINE_CAUSE:
        value |= (0x04 if cover_open else 0) | (0x20 if paper_out else 0) | (0x40 if error else 0)
    elif which == STATUS_ERROR_CAUSE:
        value |= 0x08 if error == "cutter jammed" else (0x20 if error else 0)
    elif which == STATUS_PAPER:
        value |= (0x60 if paper_out else 0) | (0x0C if paper_near_end else 0)
    else:
        raise EscPosError(f"DLE EOT status must be 1..4, got {which}")
    return bytes((value,))


# What a printer (or the way to it) can be in; the words are in English here
# and, for people, in queue.STATE_NAMES (the catalogue says them in Persian).
STATE_CODES = ("ready", "paper_near_end", "paper_out", "cover_open", "offline", "error",
               "no_answer", "unreachable", "stalled")
