"""Wiring of the receipt printer into the box: every new intake queues its
receipt in the intake's own transaction, and the print worker runs with the
appliance."""

from __future__ import annotations

import logging
from pathlib import Path

from hardware.printer.service import reprint_intake
from hardware.printer.queue import PrintQueue
from hardware.printer.receipt import receipt_for_intake
from hardware.printer.transport import open_printer
from hardware.printer.worker import PrintWorker

log = logging.getLogger(__name__)

SIM_FOLDER = "printer-sim"


def sim_dir(box) -> Path:
    """Where the simulated printer keeps its receipts (bytes and PNG previews)."""
    return Path(box.home) / SIM_FOLDER


def make_worker(box, url: str | None = None) -> PrintWorker:
    url = url or box.settings["printer.url"]
    timeout = box.settings["printer.status_timeout"]
    return PrintWorker(PrintQueue.for_box(box),
                       lambda: open_printer(url, sim_dir=sim_dir(box)),
                       url=url, status_timeout=timeout)


def attach(box) -> None:
    worker = make_worker(box)
    queue = worker.queue

    def queue_receipt(intake) -> None:
        # Inside the intake's write transaction: the job commits with the
        # intake or not at all. The worker's claim waits for the writer lock,
        # so waking it now is safe.
        queue.enqueue(receipt_for_intake(intake, box.settings))
        worker.wake()

    def reprint_receipt(tracking_code: str, user) -> dict:
        """The intake page's reprint button: a new job, and who asked for it."""
        with box.store.write():
            job = reprint_intake(box, tracking_code)
            box.events.record(user.username, "receipt.reprinted", tracking_code,
                              {"print_job": job["id"]})
        return job

    box.intake_hooks.append(queue_receipt)
    box.workers.append(worker)
    box.printer_worker = worker
    box.reprint_receipt = reprint_receipt
