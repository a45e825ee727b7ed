"""What a receipt looks like on paper: the simulator draws each printed
command on a canvas and saves the receipt's bytes and a PNG preview."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PIL import Image, ImageDraw

from edge.digits import is_ascii_number
from hardware.printer import escpos
from hardware.printer.raster import from_raster
from hardware.printer.sim.parser import Command

log = logging.getLogger(__name__)


def save_receipt(out_dir: Path, raw: bytes, image: Image.Image) -> Path:
    """NNNNNN.bin and NNNNNN.png, numbered after what is already there, and
    latest.png, written whole (temporary file then rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.stem) for p in out_dir.glob("*.bin") if is_ascii_number(p.stem)]
    stem = f"{max(numbers, default=0) + 1:06d}"
    (out_dir / f"{stem}.bin").write_bytes(raw)
    png = out_dir / f"{stem}.png"
    image.save(png)
    partial = out_dir / ".latest.png.part"
    image.save(partial, format="PNG")
    os.replace(partial, out_dir / "latest.png")
    return png


class Canvas:
    """What the paper looks like: raster bands and QR codes stacked."""

    def __init__(self, paper_dots: int = 576) -> None:
        self.paper_dots = paper_dots
        self.blocks: list[tuple[int, Image.Image]] = []   # (alignment, image)
        self.qr_payloads: list[bytes] = []
        self.alignment = escpos.ALIGN_LEFT
        self.width = 0
        self._qr_size = 3
        self._qr_data = b""

    def apply(self, command: Command) -> None:
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
                self._add(qr_image(self._qr_data, self._qr_size))
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


def qr_image(data: bytes, module_size: int) -> Image.Image:
    """The QR code as the printer draws it: model 2, level M, 4-module quiet zone."""
    import qrcode
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         box_size=module_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().get_image().convert("1")
