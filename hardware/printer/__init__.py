"""The receipt printer: ESC/POS over serial, USB, TCP 9100 or a file, Persian
lines as raster images, a durable job queue and a simulator.

For other parts of the box:
    status(box) -> dict                     what `edge hw status` shows for the printer
    jobs_overview(box) -> dict              what the /hardware page shows
    reprint(box, job_id) -> dict            queue a job's receipt again
    reprint_intake(box, tracking_code)      queue an intake's receipt again
    retry_now(box, job_id)                  retry a failed job without waiting

They are imported on first use: loading the settings imports this package,
and every `edge` command loads the settings, so Pillow stays out of those
that never print.
"""

from __future__ import annotations

__all__ = ["jobs_overview", "reprint", "reprint_intake", "retry_now", "status"]


def __getattr__(name: str):
    if name in __all__:
        from hardware.printer import service
        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
