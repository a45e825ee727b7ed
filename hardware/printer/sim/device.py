"""A receipt printer at the far end of the wire, for the demo and the tests.

It parses the ESC/POS stream it receives, answers DLE EOT from a state that
can be changed at any time (paper out, cover open, offline, a fault), and
for each receipt (ended by a cut) stores the raw bytes and a PNG preview of
what a real printer would have printed. Like a real printer it prints
nothing while the paper is out or the cover is open; it still answers
DLE EOT, which printers process even then.

It runs in-process (`sim://`), behind a pty or on a TCP port
(`hardware.printer.sim.servers`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image

from hardware.printer import escpos
from hardware.printer.sim.parser import Command, StreamParser
from hardware.printer.sim.preview import Canvas, save_receipt


@dataclass(frozen=True)
class SimState:
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: str | None = None

    @property
    def printing(self) -> bool:
        return self.online and not self.cover_open and not self.paper_out and not self.error

    @classmethod
    def from_words(cls, words: str) -> "SimState":
        """"paper-out", "cover-open", "offline", "near-end", "fault", "ready",
        comma-separated (the sim:// URL's `state=` parameter)."""
        state = cls()
        for word in filter(None, (w.strip() for w in words.split(","))):
            changes = {"ready": {}, "paper-out": {"paper_out": True},
                       "cover-open": {"cover_open": True}, "offline": {"online": False},
                       "near-end": {"paper_near_end": True},
                       "fault": {"error": "cutter jammed"}}.get(word)
            if changes is None:
                raise ValueError(f"unknown simulated printer state {word!r}; use ready, "
                                 "paper-out, cover-open, offline, near-end or fault")
            state = replace(state, **changes)
        return state


@dataclass
class PrintedReceipt:
    raw: bytes
    image: Image.Image
    qr_payloads: list[bytes]
    png_path: Path | None = None


@dataclass
class PrinterSimulator:
    """Feed it bytes; it returns the bytes a printer sends back."""
    out_dir: Path | None = None
    state: SimState = field(default_factory=SimState)
    printed: list[PrintedReceipt] = field(default_factory=list)
    discarded_bytes: int = 0
    paper_dots: int = 576
    # Like Epson's printers, answer DLE EOT found anywhere in the stream,
    # image data included (real-time commands are looked for byte by byte).
    realtime_in_data: bool = True

    def __post_init__(self) -> None:
        self._parser = StreamParser()
        self._lock = threading.Lock()
        self._reset_document()

    def _reset_document(self) -> None:
        self._raw = bytearray()
        self._canvas = Canvas(self.paper_dots)

    def set_state(self, state: SimState) -> None:
        with self._lock:
            self.state = state

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return any answer (DLE EOT status)."""
        answers = bytearray()
        with self._lock:
            for command in self._parser.feed(data):
                if command.name == "status":
                    answers += self._status(command.args[0])
                    continue
                if self.realtime_in_data and command.name in ("raster", "function"):
                    answers += self._status_in_data(command.data)
                if not self.state.printing:
                    self.discarded_bytes += len(command.raw)
                else:
                    self._print(command)
        return bytes(answers)

    def _status(self, which: int) -> bytes:
        if which not in escpos.STATUS_QUERIES:
            return b""
        s = self.state
        return escpos.status_answer(which, online=s.online, cover_open=s.cover_open,
                                    paper_out=s.paper_out, paper_near_end=s.paper_near_end,
                                    error=s.error)

    def _status_in_data(self, data: bytes) -> bytes:
        answers, start = bytearray(), 0
        while (found := data.find(b"\x10\x04", start)) >= 0:
            if found + 2 < len(data):
                answers += self._status(data[found + 2])
            start = found + 2
        return bytes(answers)

    def _print(self, command: Command) -> None:
        self._raw += command.raw
        if command.name == "cut":
            self._finish()
        else:
            self._canvas.apply(command)

    def _finish(self) -> None:
        image = self._canvas.image()
        receipt = PrintedReceipt(bytes(self._raw), image, list(self._canvas.qr_payloads))
        if self.out_dir is not None:
            receipt.png_path = save_receipt(self.out_dir, receipt.raw, receipt.image)
        self.printed.append(receipt)
        self._reset_document()

