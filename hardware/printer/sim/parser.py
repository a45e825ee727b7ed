"""An incremental parser of an ESC/POS command stream: the printer's side of
the wire, so only the simulator reads it (the box only writes ESC/POS).

Unknown bytes are reported, never raised: a printer skips what it does not
understand.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

from hardware.printer.escpos import DLE, ESC, GS, LF


@dataclass(frozen=True)
class Command:
    """One parsed command: `name` and its arguments."""
    name: str
    args: tuple = ()
    data: bytes = b""
    raw: bytes = b""      # the exact bytes the command came in


# Fixed-length commands: prefix -> (name, number of argument bytes).
_FIXED = {
    b"\x1b@": ("init", 0),
    b"\x1ba": ("align", 1),
    b"\x1bd": ("feed", 1),
    b"\x1bE": ("bold", 1),
    b"\x1b!": ("mode", 1),
    b"\x1bJ": ("feed_dots", 1),
    b"\x1bt": ("codepage", 1),
    b"\x1d!": ("size", 1),
    b"\x1dV": ("cut", 1),
    b"\x10\x04": ("status", 1),
}


@dataclass
class StreamParser:
    """Incremental ESC/POS parser: feed() bytes as they arrive, get the
    complete commands; an incomplete command waits for more bytes. Unknown
    bytes after ESC/GS are reported as `unknown` and skipped, never raised."""
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> list[Command]:
        self._buffer += data
        commands = []
        while self._buffer:
            parsed = _parse_one(self._buffer)
            if parsed is None:
                break
            command, used = parsed
            commands.append(replace(command, raw=bytes(self._buffer[:used])))
            del self._buffer[:used]
        return commands

    @property
    def pending(self) -> int:
        return len(self._buffer)


def _parse_one(buf: bytearray) -> tuple[Command, int] | None:
    """(command, bytes used) from the front of buf, or None if incomplete."""
    first = buf[0]
    if first == LF:
        return Command("line_feed"), 1
    if first not in (ESC, GS, DLE):
        end = 1
        while end < len(buf) and buf[end] not in (ESC, GS, DLE, LF):
            end += 1
        return Command("text", data=bytes(buf[:end])), end
    if len(buf) < 2:
        return None
    prefix = bytes(buf[:2])
    if prefix == b"\x1dV":
        if len(buf) < 3:
            return None
        # GS V m: m = 0/1/48/49 stand alone; 65/66 take a feed byte.
        if buf[2] in (65, 66):
            return (Command("cut", (buf[2], buf[3])), 4) if len(buf) >= 4 else None
        return Command("cut", (buf[2], 0)), 3
    if prefix in _FIXED:
        name, count = _FIXED[prefix]
        if len(buf) < 2 + count:
            return None
        return Command(name, tuple(buf[2:2 + count])), 2 + count
    if prefix == b"\x1dv":
        if len(buf) < 8:
            return None
        width, height = buf[4] | buf[5] << 8, buf[6] | buf[7] << 8
        end = 8 + width * height
        if len(buf) < end:
            return None
        return Command("raster", (buf[3], width, height), bytes(buf[8:end])), end
    if prefix == b"\x1d(":
        if len(buf) < 5:
            return None
        length = buf[3] | buf[4] << 8
        end = 5 + length
        if len(buf) < end:
            return None
        return Command("function", (buf[2],), bytes(buf[5:end])), end
    return Command("unknown", data=bytes(buf[:2])), 2


def iter_commands(data: bytes) -> Iterator[Command]:
    """Every complete command in `data` (a trailing incomplete one is dropped)."""
    yield from StreamParser().feed(data)
