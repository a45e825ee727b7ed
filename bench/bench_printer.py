"""Receipt printing: time to render and encode one 80 mm receipt, and its
size on the wire.

- render+encode: ours (Persian shaped by raqm, raster lines, native QR)
  against plain Pillow text drawing without raqm (BASIC layout: what one
  gets without shaping, which prints Persian wrong) for the same lines.
- bytes: ours (text as raster with blank rows sent as paper feeds, QR as
  the printer's GS ( k) against the whole receipt, QR included, as one
  raster image.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timezone

from bench.support import row
from hardware.printer import escpos
from hardware.printer.raster import render_lines, to_raster
from hardware.printer.receipt import encode, receipt_lines, sample_receipt
from hardware.printer.sim.device import PrinterSimulator

ROUNDS = 30


def _median_ms(work, rounds: int = ROUNDS) -> float:
    work()   # warm the font cache
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run() -> list[dict]:
    receipt = sample_receipt(576, "fa", datetime(2026, 12, 1, 14, 10, tzinfo=timezone.utc))
    above, below = receipt_lines(receipt)

    def basic_layout() -> bytes:
        # BASIC layout cannot take Persian (render_lines refuses it), so the
        # baseline draws the same number of Latin lines of the same sizes.
        from hardware.printer.raster import Line
        latin = [Line("x" * max(1, len(line.text)), size=line.size, bold=line.bold,
                      direction="ltr") for line in above + below]
        image = render_lines(latin, 576, raqm=False)
        return escpos.raster_bands(*to_raster(image))

    ours_ms = _median_ms(lambda: encode(receipt))
    base_ms = _median_ms(basic_layout)

    data = encode(receipt)
    simulator = PrinterSimulator()
    simulator.feed(data)
    whole = simulator.printed[0].image
    whole_bytes = len(escpos.INIT + escpos.raster_bands(*to_raster(whole)) + escpos.cut())
    return [
        row("printer: render+encode one 80 mm receipt", "ms", ours_ms, base_ms,
            "Pillow BASIC layout, no shaping (same lines)", "< 200 ms on a Pi 4"),
        row("printer: bytes per 80 mm receipt", "bytes", len(data), whole_bytes,
            "whole receipt incl. QR as one raster image", "< 20 KB (about 10 s at 19200 baud)"),
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
