"""The receipt printer as a part of the box: every new intake queues its
receipt in the intake's own transaction, and the print worker runs with the
box."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hardware.printer.service import reprint_intake
from hardware.printer.queue import PrintQueue
from hardware.printer.transport import open_printer, sim_dir
from hardware.printer.worker import PrintWorker

log = logging.getLogger(__name__)


def make_worker(box, url: str | None = None) -> PrintWorker:
    url = url or box.settings["printer.url"]
    timeout = box.settings["printer.status_timeout"]
    return PrintWorker(PrintQueue.for_box(box),
                       lambda: open_printer(url, sim_dir=sim_dir(box.home)),
                       url=url, status_timeout=timeout)


@dataclass(frozen=True)
class PrinterPart:
    """`box.parts.printer`: the print worker, the intake's receipt and reprints."""

    box: object
    worker: PrintWorker

    def queue_receipt(self, intake) -> None:
        # Inside the intake's write transaction: the job commits with the
        # intake or not at all. The worker's claim waits for the writer lock,
        # so waking it now is safe.
        self.worker.queue.enqueue_intake_receipt(intake, self.box)
        self.worker.wake()

    def reprint_receipt(self, tracking_code: str, user) -> dict:
        """The intake page's reprint button: a new job, and who asked for it."""
        with self.box.store.write():
            job = reprint_intake(self.box, tracking_code)
            self.box.events.record(user.username, "receipt.reprinted", tracking_code,
                                   {"print_job": job["id"]})
        return job

    def receipts_printed(self, tracking_code: str) -> int:
        return self.worker.queue.receipts_issued(tracking_code)

    def wake(self) -> None:
        self.worker.wake()

    @property
    def workers(self) -> tuple[PrintWorker, ...]:
        return (self.worker,)

    @property
    def intake_hooks(self) -> tuple:
        return (self.queue_receipt,)


def build(box) -> PrinterPart:
    return PrinterPart(box, make_worker(box))
