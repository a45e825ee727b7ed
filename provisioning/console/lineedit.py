"""Line editing for a person at a serial terminal (minicom, screen, PuTTY).

The terminal sends each key as it is typed and shows only what the box
echoes, so the box echoes, and handles backspace (DEL or ^H, one whole
character even when it is a two-byte Persian letter), ^U (clear the line),
^C (drop the line) and Enter (CR, LF or CRLF). Arrow keys and other escape
sequences are swallowed rather than typed into the line."""

from __future__ import annotations

import codecs
from typing import Callable

MAX_CHARS = 1024
ERASE = b"\b \b"
_BACKSPACE = ("\x7f", "\x08")
_ESC = "\x1b"


class LineEditor:
    def __init__(self, echo: Callable[[bytes], None], on_cancel: Callable[[], None] = lambda: None):
        self.echo = echo
        self.on_cancel = on_cancel   # ^C also drops a question being asked
        self.secret = False   # passwords: nothing is echoed
        self._chars: list[str] = []
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._after_cr = False
        self._escape = ""     # an escape sequence being swallowed

    def take_line(self, data: bytes) -> tuple[str | None, bytes]:
        """Feed bytes; returns (the first line they complete or None, the bytes after it)."""
        for index in range(len(data)):
            for char in self._decoder.decode(data[index:index + 1]):
                line = self._key(char)
                if line is not None:
                    return line, data[index + 1:]
        return None, b""

    def _key(self, char: str) -> str | None:
        if char < " " and char != _ESC:
            self._escape = ""   # a control key (Enter, ^C) ends an escape sequence, as on a VT100
        elif self._escape or char == _ESC:
            self._swallow(char)
            return None
        after_cr, self._after_cr = self._after_cr, char == "\r"
        if char in "\r\n":
            if char == "\n" and after_cr:
                return None   # the LF of a CRLF: the line ended at the CR
            return self._finish()
        if char in _BACKSPACE:
            if self._chars:
                self._chars.pop()
                self._show(ERASE)
        elif char == "\x15":   # ^U
            self._show(ERASE * len(self._chars))
            self._chars.clear()
        elif char == "\x03":   # ^C
            self._chars.clear()
            self._show(b"^C\r\n")
            self.on_cancel()
        elif char.isprintable() and len(self._chars) < MAX_CHARS:
            self._chars.append(char)
            self._show(char.encode("utf-8"))
        return None

    def _swallow(self, char: str) -> None:
        self._escape += char
        # ESC [ ... final byte (@ to ~), or ESC and one more character
        if len(self._escape) >= 2 and (self._escape[1] != "[" or
                                       (len(self._escape) > 2 and "@" <= char <= "~")):
            self._escape = ""
        elif len(self._escape) > 16:
            self._escape = ""

    def _finish(self) -> str:
        line = "".join(self._chars)
        self._chars.clear()
        if not line.startswith("{"):
            self.echo(b"\r\n")
        return line

    def _show(self, data: bytes) -> None:
        # A machine's frame begins with "{" and is never echoed: its answer
        # must not follow a copy of the question.
        if not self.secret and not (self._chars and self._chars[0] == "{"):
            self.echo(data)
