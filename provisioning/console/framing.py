"""Machine mode's framing: one JSON object per line, with a sequence number
and a CRC-32 over its canonical JSON.

A serial line carries more than our frames: the kernel's messages on the
Pi's console port, log lines, a wrong baud rate's garbage, a second tool.
A frame is recognised only when its JSON parses to an object and its CRC
matches, so anything else is skipped and the next good line is read as if
nothing had happened (resynchronisation is free: the unit is the line).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

MAX_LINE = 16 * 1024   # bytes; a longer line is noise, never a frame we made
CRC_KEY = "crc"
SEQ_KEY = "seq"


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def crc_of(document: dict[str, Any]) -> str:
    return f"{zlib.crc32(canonical(document)):08x}"


def encode(document: dict[str, Any]) -> bytes:
    """The line for `document` (which must hold an integer `seq`)."""
    if not isinstance(document.get(SEQ_KEY), int):
        raise ValueError("a frame needs an integer seq")
    unsigned = {key: value for key, value in document.items() if key != CRC_KEY}
    framed = dict(unsigned, **{CRC_KEY: crc_of(unsigned)})
    return canonical(framed) + b"\n"


def decode(line: bytes) -> dict[str, Any] | None:
    """The frame on this line, or None when the line is anything else.

    Noise may stand before a frame on the same line (a kernel message
    written while the tool was sending), so the frame is looked for from
    the first `{`."""
    start = line.find(b"{")
    if start < 0 or len(line) > MAX_LINE:
        return None
    try:
        document = json.loads(line[start:].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get(SEQ_KEY), int) \
            or isinstance(document.get(SEQ_KEY), bool):
        return None
    claimed = document.pop(CRC_KEY, None)
    if not isinstance(claimed, str) or claimed != crc_of(document):
        return None
    return document


@dataclass
class LineSplitter:
    """Bytes from the line in, whole lines out. An overlong line is dropped
    up to its end (and counted), so a flood cannot grow memory."""

    limit: int = MAX_LINE
    dropped: int = 0
    _buffer: bytearray = field(default_factory=bytearray)
    _skipping: bool = False

    def feed(self, data: bytes) -> list[bytes]:
        lines = []
        for byte in data:
            if byte == 0x0A:   # \n ends a line; a \r before it is stripped below
                if not self._skipping:
                    lines.append(bytes(self._buffer).rstrip(b"\r"))
                self._buffer.clear()
                self._skipping = False
            elif not self._skipping:
                self._buffer.append(byte)
                if len(self._buffer) > self.limit:
                    self._buffer.clear()
                    self._skipping = True
                    self.dropped += 1
        return lines
