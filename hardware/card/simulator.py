"""A serial card reader on the far end of a pty: `present(uid)` sends the
card's number as a real USB RFID reader does (one line, CR LF). `sim://`
in card.reader starts one; the demo and tests present cards with it."""

from __future__ import annotations

import os

from hardware.pty import PtyPair


class SerialCardSimulator:
    def __init__(self, framing: str = "line"):
        self.framing = framing     # "line": UID CR LF; "stx": STX UID ETX (RDM6300)
        self._pty: PtyPair | None = None
        self.port: str | None = None

    def start(self) -> "SerialCardSimulator":
        self._pty = PtyPair()
        self._master, self.port = self._pty.master, self._pty.port
        return self

    def present(self, uid: str) -> None:
        data = uid.encode("ascii")
        os.write(self._master, b"\x02" + data + b"\x03" if self.framing == "stx" else data + b"\r\n")

    def send_raw(self, data: bytes) -> None:
        os.write(self._master, data)

    def stop(self) -> None:
        if self._pty:
            self._pty.close()
        self._pty = None

    def __enter__(self) -> "SerialCardSimulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
