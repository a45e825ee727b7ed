"""An ESC/POS decoder for the tests, written apart from the product's parser
so a mistake in one is not repeated in the other: bytes -> raster images
(PIL), QR payloads and the sequence of commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image


@dataclass
class Decoded:
    ops: list[str] = field(default_factory=list)
    rasters: list[Image.Image] = field(default_factory=list)   # mode "L": 0 ink, 255 paper
    qr_payloads: list[bytes] = field(default_factory=list)
    qr_module_size: int | None = None
    qr_error_level: int | None = None
    qr_model: int | None = None


def decode(data: bytes) -> Decoded:
    out, i = Decoded(), 0
    while i < len(data):
        b = data[i]
        if data[i:i + 2] == b"\x1b@":
            out.ops.append("init"); i += 2
        elif data[i:i + 2] == b"\x1ba":
            out.ops.append(f"align{data[i + 2]}"); i += 3
        elif data[i:i + 2] == b"\x1bd":
            out.ops.append(f"feed{data[i + 2]}"); i += 3
        elif data[i:i + 2] == b"\x1bJ":
            out.ops.append(f"feeddots{data[i + 2]}"); i += 3
        elif data[i:i + 2] == b"\x1dV":
            m = data[i + 2]
            out.ops.append(f"cut{m}"); i += 4 if m in (65, 66) else 3
        elif data[i:i + 4] == b"\x1dv0\x00":
            wb = int.from_bytes(data[i + 4:i + 6], "little")
            h = int.from_bytes(data[i + 6:i + 8], "little")
            bits = data[i + 8:i + 8 + wb * h]
            assert len(bits) == wb * h, "raster block cut short"
            out.rasters.append(_bits_to_image(wb, h, bits))
            out.ops.append("raster"); i += 8 + wb * h
        elif data[i:i + 3] == b"\x1d(k":
            n = int.from_bytes(data[i + 3:i + 5], "little")
            body = data[i + 5:i + 5 + n]
            assert body[0] == 49, "not a QR function"
            fn, params = body[1], body[2:]
            if fn == 65:
                out.qr_model = params[0]
            elif fn == 67:
                out.qr_module_size = params[0]
            elif fn == 69:
                out.qr_error_level = params[0]
            elif fn == 80:
                assert params[:1] == b"0"
                out.qr_payloads.append(bytes(params[1:]))
            elif fn == 81:
                out.ops.append("qr")
            i += 5 + n
        elif data[i:i + 2] == b"\x10\x04":
            out.ops.append(f"status{data[i + 2]}"); i += 3
        elif b == 0x0A:
            out.ops.append("lf"); i += 1
        else:
            raise AssertionError(f"unexpected byte {b:#04x} at {i}")
    return out


def _bits_to_image(width_bytes: int, height: int, bits: bytes) -> Image.Image:
    image = Image.new("L", (width_bytes * 8, height), 255)
    pixels = image.load()
    for y in range(height):
        row = bits[y * width_bytes:(y + 1) * width_bytes]
        for xb, byte in enumerate(row):
            if byte:
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        pixels[xb * 8 + bit, y] = 0
    return image


def stack(images: list[Image.Image]) -> Image.Image:
    """Consecutive raster bands as the one image they print."""
    width = max(image.width for image in images)
    out = Image.new("L", (width, sum(image.height for image in images)), 255)
    top = 0
    for image in images:
        out.paste(image, (0, top))
        top += image.height
    return out


def ink_columns(image: Image.Image) -> list[int]:
    """x of every column with any ink."""
    grey = image.convert("L")
    width, height = grey.size
    data = grey.tobytes()
    return [x for x in range(width) if any(data[y * width + x] < 128 for y in range(height))]


def ink_rows(image: Image.Image) -> list[int]:
    grey = image.convert("L")
    width, height = grey.size
    data = grey.tobytes()
    return [y for y in range(height) if min(data[y * width:(y + 1) * width]) < 128]


def runs(positions: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs [(first, last), ...] of sorted positions."""
    out: list[tuple[int, int]] = []
    for p in positions:
        if out and p == out[-1][1] + 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


def tracking_code_in(qr_payload: bytes) -> str:
    """The tracking code an intake receipt's signed QR text names, as shown."""
    from edge.tracking import present
    from wire import receipt_proof
    return present(receipt_proof.read(qr_payload.decode("ascii")).tracking_code)
