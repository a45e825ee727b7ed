"""A receipt printer at the far end of the wire, for the demo and the tests.

It parses the ESC/POS stream it receives, answers DLE EOT from a state that
can be changed at any time (paper out, cover open, offline, a fault), and
for each receipt (ended by a cut) stores the raw bytes and a PNG preview of
what a real printer would have printed. Like a real printer it prints
nothing while the paper is out or the cover is open; it still answers
DLE EOT, which printers process even then.

It runs in-process (`sim://`), behind a pty (the serial case) or on a TCP
port (the 9100 case).
"""

from __future__ import annotations

import logging
import os
import select
import socket
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageDraw

from edge.digits import is_ascii_number
from hardware.printer import escpos
from hardware.printer.raster import from_raster
from hardware.pty import PtyPair

log = logging.getLogger(__name__)

KEEP_RECEIPTS = 50   # receipt files (bytes and preview) the simulator keeps; older ones go


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
    printed: list[PrintedReceipt] = field(default_factory=list)   # the latest KEEP_RECEIPTS
    discarded_bytes: int = 0
    paper_dots: int = 576
    # Like Epson's printers, answer DLE EOT found anywhere in the stream,
    # image data included (real-time commands are looked for byte by byte).
    realtime_in_data: bool = True

    def __post_init__(self) -> None:
        self._parser = escpos.StreamParser()
        self._lock = threading.Lock()
        self._reset_document()

    def _reset_document(self) -> None:
        self._raw = bytearray()
        self._canvas = _Canvas(self.paper_dots)

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

    def _print(self, command: escpos.Command) -> None:
        self._raw += command.raw
        if command.name == "cut":
            self._finish()
        else:
            self._canvas.apply(command)

    def _finish(self) -> None:
        image = self._canvas.image()
        receipt = PrintedReceipt(bytes(self._raw), image, list(self._canvas.qr_payloads))
        if self.out_dir is not None:
            receipt.png_path = _save(self.out_dir, receipt)
        self.printed.append(receipt)
        # the latest only: a demo left running for weeks keeps its memory and disk
        del self.printed[:-KEEP_RECEIPTS]
        self._reset_document()


def _save(out_dir: Path, receipt: PrintedReceipt) -> Path:
    """NNNNNN.bin and NNNNNN.png, numbered after what is already there, and
    latest.png, written whole (temporary file then rename); the pairs older
    than the latest KEEP_RECEIPTS are deleted."""
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = sorted(int(p.stem) for p in out_dir.glob("*.bin") if is_ascii_number(p.stem))
    for old in numbers[:max(0, len(numbers) - KEEP_RECEIPTS + 1)]:
        for suffix in (".bin", ".png"):
            (out_dir / f"{old:06d}{suffix}").unlink(missing_ok=True)
    stem = f"{max(numbers, default=0) + 1:06d}"
    (out_dir / f"{stem}.bin").write_bytes(receipt.raw)
    png = out_dir / f"{stem}.png"
    receipt.image.save(png)
    partial = out_dir / ".latest.png.part"
    receipt.image.save(partial, format="PNG")
    os.replace(partial, out_dir / "latest.png")
    return png


class _Canvas:
    """What the paper looks like: raster bands and QR codes stacked."""

    def __init__(self, paper_dots: int = 576) -> None:
        self.paper_dots = paper_dots
        self.blocks: list[tuple[int, Image.Image]] = []   # (alignment, image)
        self.qr_payloads: list[bytes] = []
        self.alignment = escpos.ALIGN_LEFT
        self.width = 0
        self._qr_size = 3
        self._qr_data = b""

    def apply(self, command: escpos.Command) -> None:
        if command.name == "init":
            self.alignment, self._qr_size, self._qr_data = escpos.ALIGN_LEFT, 3, b""
        elif command.name == "align":
            self.alignment = command.args[0] % 48 if command.args[0] >= 48 else command.args[0]
        elif command.name == "raster":
            _, width_bytes, height = command.args
            if width_bytes and height:
                self._add(from_raster(width_bytes, height, command.data))
        elif command.name == "feed_dots" and command.args[0]:
            self._blank(command.args[0])
        elif command.name == "feed" and command.args[0]:
            self._blank(command.args[0] * 30)
        elif command.name == "line_feed":
            self._blank(30)
        elif command.name == "function" and command.data[:1] == b"1":
            self._qr(command.data[1:2], command.data[2:])

    def _qr(self, fn: bytes, params: bytes) -> None:
        if fn == b"C" and params:
            self._qr_size = max(1, min(16, params[0]))
        elif fn == b"P" and params[:1] == b"0":
            self._qr_data = params[1:]
        elif fn == b"Q" and self._qr_data:
            self.qr_payloads.append(self._qr_data)
            try:
                self._add(_qr_image(self._qr_data, self._qr_size))
            except Exception:  # too much data for a QR code: the printer prints nothing
                log.info("simulated printer: QR code of %d bytes not printable",
                         len(self._qr_data))

    def _add(self, block: Image.Image) -> None:
        if block.width > self.paper_dots:   # a printer drops what is past the paper's edge
            block = block.crop((0, 0, self.paper_dots, block.height))
        self.blocks.append((self.alignment, block))
        self.width = max(self.width, block.width)

    def _blank(self, rows: int) -> None:
        self.blocks.append((escpos.ALIGN_LEFT, Image.new("1", (1, rows), 1)))

    def image(self) -> Image.Image:
        width = max(self.width, 384)
        height = sum(block.height for _, block in self.blocks) + 24
        paper = Image.new("1", (width, height), 1)
        top = 0
        for alignment, block in self.blocks:
            x = {escpos.ALIGN_CENTER: (width - block.width) // 2,
                 escpos.ALIGN_RIGHT: width - block.width}.get(alignment, 0)
            paper.paste(block, (x, top))
            top += block.height
        draw = ImageDraw.Draw(paper)
        for x in range(0, width, 12):   # where the cutter cut
            draw.line((x, height - 4, x + 6, height - 4), fill=0)
        return paper


def _qr_image(data: bytes, module_size: int) -> Image.Image:
    """The QR code as the printer draws it: model 2, level M, 4-module quiet zone."""
    import qrcode
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         box_size=module_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().get_image().convert("1")


# --- The simulator on a wire -----------------------------------------------

class _Server:
    """A thread that moves bytes between a wire and a PrinterSimulator."""

    def __init__(self, simulator: PrinterSimulator):
        self.simulator = simulator
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "_Server":
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=type(self).__name__)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        raise NotImplementedError   # each wire has its own loop

    def _close(self) -> None:
        pass


class PtyPrinter(_Server):
    """The simulator behind a pseudo-terminal: `port` is the serial device
    the box opens (as it would open /dev/ttyUSB0)."""

    def __init__(self, simulator: PrinterSimulator):
        super().__init__(simulator)
        self._pty = PtyPair()
        self._master, self.port = self._pty.master, self._pty.port

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:  # the box closed its end; wait for it to reopen
                self._stop.wait(0.05)
                continue
            answer = self.simulator.feed(data)
            if answer:
                os.write(self._master, answer)

    def _close(self) -> None:
        self._pty.close()


class TcpPrinter(_Server):
    """The simulator listening on a loopback TCP port, like a network
    printer's raw port 9100. One connection at a time, as printers do."""

    def __init__(self, simulator: PrinterSimulator, host: str = "127.0.0.1", port: int = 0):
        super().__init__(simulator)
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.05)
        self.host, self.port = self._listener.getsockname()[:2]

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                self._serve(connection)

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(0.05)
        while not self._stop.is_set():
            try:
                data = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            answer = self.simulator.feed(data)
            if answer:
                connection.sendall(answer)

    def _close(self) -> None:
        self._listener.close()
