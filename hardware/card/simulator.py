"""A serial card reader on the far end of a pty: `present(uid)` sends the
card's number as a real USB RFID reader does (one line, CR LF). `sim://`
in card.reader starts one; the demo and tests present cards with it."""

from __future__ import annotations

import os
import tty


class SerialCardSimulator:
    def __init__(self, framing: str = "line"):
        self.framing = framing     # "line": UID CR LF; "stx": STX UID ETX (RDM6300)
        self._master = self._slave = None
        self.port: str | None = None

    def start(self) -> "SerialCardSimulator":
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        return self

    def present(self, uid: str) -> None:
        data = uid.encode("ascii")
        os.write(self._master, b"\x02" + data + b"\x03" if self.framing == "stx" else data + b"\r\n")

    def send_raw(self, data: bytes) -> None:
        os.write(self._master, data)

    def stop(self) -> None:
        for fd in (self._master, self._slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = None

    def __enter__(self) -> "SerialCardSimulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
