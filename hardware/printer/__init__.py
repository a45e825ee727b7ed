"""The receipt printer: ESC/POS over serial, USB, TCP 9100 or a file, Persian
lines as raster images, a durable job queue and a simulator.

For other parts of the box:
    status(box) -> dict                     what `edge hw status` shows for the printer
    jobs_overview(box) -> dict              what the /hardware page shows
    reprint(box, job_id) -> dict            queue a job's receipt again
    reprint_intake(box, tracking_code)      queue an intake's receipt again
    retry_now(box, job_id)                  retry a failed job without waiting
"""

from __future__ import annotations

from hardware.printer.overview import jobs_overview, reprint, reprint_intake, retry_now, status

__all__ = ["jobs_overview", "reprint", "reprint_intake", "retry_now", "status"]
