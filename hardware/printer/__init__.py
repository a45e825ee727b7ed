"""The receipt printer: ESC/POS over serial, USB, TCP 9100 or a file, Persian
lines as raster images, a durable job queue and a simulator.

For other parts of the box:
    status(box) -> dict          what `edge hw status` shows for the printer
    jobs_overview(box) -> dict   what the /hardware page shows
"""

from __future__ import annotations

from hardware.printer.overview import jobs_overview, status

__all__ = ["jobs_overview", "status"]
