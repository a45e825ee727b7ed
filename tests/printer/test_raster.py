"""Persian drawn joined and right to left; the raster packing is exact."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from hardware.printer import raster
from hardware.printer.raster import Line, from_raster, render_lines, to_raster
from tests.printer.decoder import ink_columns, runs
from tests.system import require


@pytest.fixture(autouse=True)
def _raqm():
    require(raster.has_raqm(), "Pillow with raqm layout (Debian package libraqm0)")


def test_persian_letters_are_joined():
    # Four beh joined are one unbroken stroke; drawn unshaped (isolated
    # forms side by side) they would leave gaps between the letters.
    image = render_lines([Line("بببب", size=40)], 576)
    assert len(runs(ink_columns(image))) == 1
    isolated = render_lines([Line("ب ب ب ب", size=40)], 576)
    assert len(runs(ink_columns(isolated))) == 4


def test_first_word_of_a_persian_line_is_at_the_right():
    # In a right-to-left line the first word read is the rightmost one,
    # and a Latin word keeps its own left-to-right order inside it.
    line = render_lines([Line("سلام ABC", size=30)], 576)
    alone = render_lines([Line("سلام", size=30)], 576)
    right = (ink_columns(alone)[0] - 2, 0, 576, line.height)
    assert _best_overlap(line.crop(right), alone.crop(right)) > 0.9
    assert ink_columns(line)[0] < ink_columns(alone)[0] - 30


def _best_overlap(a: Image.Image, b: Image.Image) -> float:
    """Shared ink / all ink of the two, at the best shift of a few pixels
    (sub-pixel placement may move a glyph by one)."""
    ink_a = a.point(lambda v: 255 if v < 128 else 0).convert("1")
    ink_b = b.point(lambda v: 255 if v < 128 else 0).convert("1")
    best = 0.0
    for dx in range(-3, 4):
        for dy in range(-3, 4):
            moved = ImageChops.offset(ink_a, dx, dy)
            shared = ImageChops.logical_and(moved, ink_b).histogram()[255]
            total = ImageChops.logical_or(moved, ink_b).histogram()[255]
            best = max(best, shared / total if total else 0.0)
    return best


def test_raster_packing_is_msb_first_ink_is_one():
    image = Image.new("L", (16, 2), 255)
    image.putpixel((0, 0), 0)      # top-left ink
    image.putpixel((15, 1), 0)     # bottom-right ink
    assert to_raster(image) == (2, 2, b"\x80\x00\x00\x01")


def test_raster_width_is_padded_to_whole_bytes():
    image = Image.new("L", (10, 1), 0)
    width_bytes, height, data = to_raster(image)
    assert (width_bytes, height, data) == (2, 1, b"\xff\xc0")


def test_raster_round_trip():
    image = render_lines([Line("کد رهگیری", size=28)], 384)
    packed = to_raster(image)
    back = from_raster(*packed)
    assert back.size == image.size
    assert to_raster(back) == packed


def test_without_raqm_persian_is_refused_not_printed_wrong():
    with pytest.raises(raster.RasterError, match="libraqm0"):
        render_lines([Line("سلام")], 384, raqm=False)
    assert ink_columns(render_lines([Line("TEST-0001", direction="ltr")], 384, raqm=False))
