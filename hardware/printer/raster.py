"""Text lines rendered to 1-bit raster images with Pillow.

Thermal printers' code pages cannot carry Persian (CP864, CP720 and CP1256
lack letters or contextual shaping), so every text line is drawn here, joined
and right to left through Pillow's raqm layout (HarfBuzz + FriBiDi), and sent
as a GS v 0 raster image. The font is Vazirmatn (SIL OFL, see fonts/OFL.txt).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FILES = {False: FONT_DIR / "Vazirmatn-Regular.ttf", True: FONT_DIR / "Vazirmatn-Bold.ttf"}

# Letters of right-to-left scripts (Hebrew, Arabic and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


class RasterError(RuntimeError):
    """A line cannot be drawn correctly on this machine."""


def has_raqm() -> bool:
    return bool(features.check("raqm"))


def font(size: int, bold: bool = False, raqm: bool | None = None) -> ImageFont.FreeTypeFont:
    """The bundled font at `size` pixels, with raqm layout where Pillow has it."""
    return _font(size, bold, has_raqm() if raqm is None else raqm)


@functools.lru_cache(maxsize=32)
def _font(size: int, bold: bool, raqm: bool) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT_FILES[bold]), size, layout_engine=engine)


@dataclass(frozen=True)
class Line:
    """One line of a receipt. `align` is "start" (right in RTL, left in LTR),
    "center" or "end"; `direction` is "rtl" or "ltr"."""
    text: str
    size: int = 24
    bold: bool = False
    align: str = "start"
    direction: str = "rtl"
    space_after: int = 4


def needs_shaping(text: str) -> bool:
    return bool(_RTL.search(text))


def _check_layout(text: str, raqm: bool) -> None:
    if needs_shaping(text) and not raqm:
        raise RasterError("Persian text needs Pillow with raqm layout "
                          "(install Debian package libraqm0)")


def _wrap(line: Line, width: int, raqm: bool) -> list[str]:
    """Split a line at spaces so each piece fits `width` pixels."""
    face = font(line.size, line.bold, raqm)
    direction = line.direction if raqm else None
    words, pieces, current = line.text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and face.getlength(candidate, direction=direction) > width:
            pieces.append(current)
            current = word
        else:
            current = candidate
    pieces.append(current)
    return pieces


def render_lines(lines: list[Line], width: int, margin: int = 8,
                 raqm: bool | None = None) -> Image.Image:
    """All lines, wrapped to the paper, as one mode "L" image `width` wide
    (white paper, black ink). `raqm` says whether text shaping is available
    (default: ask Pillow); without it a Persian line raises RasterError."""
    raqm = has_raqm() if raqm is None else raqm
    rows: list[tuple[Line, str]] = []
    for line in lines:
        _check_layout(line.text, raqm)
        rows.extend((line, piece) for piece in _wrap(line, width - 2 * margin, raqm))
    heights = [_row_height(line, raqm) for line, _ in rows]
    image = Image.new("L", (width, max(1, sum(heights))), 255)
    draw = ImageDraw.Draw(image)
    top = 0
    for (line, piece), height in zip(rows, heights, strict=True):
        _draw_row(draw, line, piece, top, width, margin, raqm)
        top += height
    return image


def _row_height(line: Line, raqm: bool) -> int:
    ascent, descent = font(line.size, line.bold, raqm).getmetrics()
    return ascent + descent + line.space_after


def _draw_row(draw: ImageDraw.ImageDraw, line: Line, text: str, top: int,
              width: int, margin: int, raqm: bool) -> None:
    face = font(line.size, line.bold, raqm)
    direction = line.direction if raqm else None
    length = face.getlength(text, direction=direction)
    side = line.align
    if side in ("start", "end"):
        right = (side == "start") == (line.direction == "rtl")
        side = "right" if right else "left"
    if side == "right":
        x = width - margin - length
    elif side == "left":
        x = margin
    else:
        x = (width - length) / 2
    draw.text((x, top), text, font=face, fill=0, direction=direction)


def to_raster(image: Image.Image) -> tuple[int, int, bytes]:
    """(width in bytes, height, data) for GS v 0: 1 bits are black, the
    most significant bit leftmost. The width is padded to a whole byte."""
    grey = image.convert("L")
    if grey.width % 8:
        padded = Image.new("L", ((grey.width + 7) // 8 * 8, grey.height), 255)
        padded.paste(grey, (0, 0))
        grey = padded
    # Threshold (no dither: dithered text prints fuzzy), then invert so that
    # ink is a 1 bit; PIL's mode "1" packs 8 pixels a byte, MSB first.
    ink = ImageOps.invert(grey).point(lambda value: 255 if value >= 128 else 0)
    return grey.width // 8, grey.height, ink.convert("1", dither=Image.Dither.NONE).tobytes()


def from_raster(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """The image a GS v 0 block prints (mode "1", black ink on white)."""
    ink = Image.frombytes("1", (width_bytes * 8, height), bytes(data))
    return ImageOps.invert(ink.convert("L")).convert("1", dither=Image.Dither.NONE)
