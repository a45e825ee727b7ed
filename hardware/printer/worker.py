"""The print worker: a thread that takes due jobs from the queue, asks the
printer how it is (DLE EOT), prints, and marks each job done or keeps it for
a retry. It also records what the printer said, for /hardware and
`edge hw status`.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Callable

from edge.worker import Round, Worker
from hardware.printer import receipt as receipt_module
from hardware.printer.escpos import PrinterStatus
from hardware.printer.queue import PrintQueue
from hardware.printer.receipt import Receipt
from hardware.printer.schema import DONE, PrintJob
from hardware.printer.transport import Connection, PrinterError, open_printer, query_status, sim_dir

log = logging.getLogger(__name__)

Opener = Callable[[], Connection]


def print_bytes(connection: Connection, data: bytes, status_timeout: float = 0.5
                ) -> PrinterStatus:
    """Send one receipt: refuse when the printer says it cannot print, and
    check again afterwards (paper can run out half-way). A printer that
    never answers DLE EOT (a file, a write-only device) is printed to
    blind. One that answered before but not after is taken as not printed
    (a serial cable pulled mid-receipt fails no write): better a receipt
    twice than none. Raises PrinterError with the reason in words."""
    before = query_status(connection, status_timeout)
    if before.answered and not before.ready:
        raise PrinterError(f"printer not ready: {before.state}", before.code)
    connection.write(data)
    if not before.answered:
        return before
    after = query_status(connection, max(status_timeout, 2.0))
    if not after.answered:
        raise PrinterError("printer stopped answering while printing", "no_answer")
    if not after.ready:
        raise PrinterError(f"printer stopped while printing: {after.state}", after.code)
    return after


def print_test_page(url: str, settings, home: Path) -> tuple[PrinterStatus, int]:
    """A sample receipt (Persian text, a QR code) straight to the printer at
    `url`, for `edge hw print-test` and the console's self-test: (what the
    printer said, bytes sent). Raises PrinterError with the reason in words."""
    data = receipt_module.encode_test_page(settings["printer.width_dots"], settings["language"])
    connection = open_printer(url, sim_dir=sim_dir(home))
    try:
        return print_bytes(connection, data, settings["printer.status_timeout"]), len(data)
    finally:
        connection.close()


class PrintWorker(Worker):
    """Prints job after job while any is due, then looks at the queue every
    `poll_seconds` or when woken (a new intake's receipt)."""

    def __init__(self, queue: PrintQueue, open_connection: Opener, url: str = "",
                 poll_seconds: float = 1.0, status_timeout: float = 0.5,
                 encode: Callable[[Receipt], bytes] = receipt_module.encode,
                 idle_check_seconds: float | None = 60.0):
        super().__init__("print-worker", idle_seconds=poll_seconds)
        self.queue = queue
        self.open_connection = open_connection
        self.url = url
        self.status_timeout = status_timeout
        self.encode = encode
        self.idle_check_seconds = idle_check_seconds
        self._last_check = float("-inf")

    def step(self) -> Round:
        if self.run_once():
            return Round.BUSY
        self._check_when_idle()
        return Round.IDLE

    def _on_start(self) -> bool:
        self.queue.recover_interrupted()   # a job left `printing` by a stop or a crash
        return True

    def _recover(self) -> None:
        self._release_claimed()

    def _release_claimed(self) -> None:
        """A job this worker had claimed goes back for a retry (this worker is
        the only printer), so a surprise never leaves it `printing` for good."""
        try:
            self.queue.recover_interrupted()
        except Exception:  # the store may still be busy: the next round tries again
            log.exception("print worker: could not put a claimed job back")

    def _check_when_idle(self) -> None:
        """Ask the printer now and then while idle, so /hardware shows a
        printer out of paper before the next citizen's receipt fails."""
        if self.idle_check_seconds is None:
            return
        if time.monotonic() - self._last_check >= self.idle_check_seconds:
            try:
                self.check_status()
            except Exception:  # the store may be busy; the next round tries again
                log.exception("print worker: status check failed")

    def check_status(self) -> dict:
        """Ask the printer how it is (DLE EOT) and record the answer."""
        self._last_check = time.monotonic()
        try:
            connection = self.open_connection()
            try:
                details = query_status(connection, self.status_timeout).as_dict()
            finally:
                connection.close()
        except PrinterError as error:
            details = _status_from_error(error)
        self._record_status(details)
        return details

    def run_once(self) -> bool:
        """Print the next due job, if any; True when a job was tried."""
        job = self.queue.claim()
        if job is None:
            return False
        if not self.print_job(job):
            failed = self.queue.get(job.id)
            log.warning("print job %d (%s) not printed: %s; will retry", failed.id,
                        failed.tracking_code, failed.last_error)
        return True

    def print_job(self, job: PrintJob) -> bool:
        """Print one claimed job; True when printed, else it is kept for a
        retry with the reason in `last_error`."""
        self._print(job)
        return self.queue.get(job.id).state == DONE

    def _print(self, job: PrintJob) -> None:
        try:
            data = self.encode(Receipt.from_json(job.receipt))
        except Exception as error:  # a receipt that cannot be drawn stays visible, not lost
            log.exception("print job %d cannot be rendered", job.id)
            self.queue.mark_failed(job, f"cannot draw the receipt: {error}", "render_failed")
            return
        connection = None
        try:
            connection = self.open_connection()
            status = print_bytes(connection, data, self.status_timeout)
        except PrinterError as error:
            self.queue.mark_failed(job, str(error), error.code)
            self._record_status(_status_from_error(error))
            return
        except OSError as error:
            self.queue.mark_failed(job, f"printer error: {error}", "unreachable")
            return
        finally:
            if connection is not None:
                try:
                    connection.close()
                except OSError:
                    pass
        self.queue.mark_done(job)
        self._last_check = time.monotonic()
        self._record_status(status.as_dict())

    def _record_status(self, details: dict) -> None:
        record_status(self.queue.store, self.url, details, self.queue.now())


def _status_from_error(error: PrinterError) -> dict:
    return {"state": str(error), "code": error.code, "ready": False, "answered": False}


def record_status(store, url: str, details: dict, now) -> None:
    with store.write():
        store.models.PrinterStatusRecord.insert(id=1, url=url, state=details["state"],
                                   details=json.dumps(details, ensure_ascii=False),
                                   checked_at=now).on_conflict_replace().execute()
