"""The durable print job queue, in the box's SQLite store.

    queued -> printing -> done
                       -> failed-will-retry -> printing -> ...

A job is never dropped: a failure keeps it with its reason in words and a
time for the next attempt (exponential backoff, capped); a job found in
`printing` at start-up was cut short by a power cut or a restart and is
retried. A reprint is a new job made from the stored receipt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from peewee import fn

from edge.i18n import N_, phrase
from hardware.printer.receipt import Receipt, receipt_for_intake
from hardware.printer.schema import DONE, FAILED, PRINTING, QUEUED, PrintJob

log = logging.getLogger(__name__)

# The printer's states (escpos.STATE_CODES) and the other reasons a job can
# fail, as people read them (the portal says them in the reader's language).
STATE_NAMES = {
    "ready": N_("ready"),
    "paper_near_end": N_("ready; the paper is running out"),
    "paper_out": N_("the printer is out of paper"),
    "cover_open": N_("the printer's cover is open"),
    "offline": N_("the printer is offline"),
    "error": N_("the printer reports an error"),
    "no_answer": N_("the printer does not answer"),
    "unreachable": N_("the printer cannot be reached"),
    "stalled": N_("the printer takes no data"),
    "render_failed": N_("the receipt could not be drawn"),
    "interrupted": N_("printing stopped half-way (a power cut or a restart)"),
    "printing": N_("printing"),
    "idle": N_("idle"),
    "failed": N_("receipts not printed, waiting to be tried again"),
    "not_checked": N_("not checked yet"),
}


def state_phrase(code: str) -> dict | None:
    return phrase(STATE_NAMES[code]) if code in STATE_NAMES else None

STATE_WORDS = {
    QUEUED: "waiting to print",
    PRINTING: "printing",
    DONE: "printed",
    FAILED: "failed, will retry",
}


class JobNotFound(LookupError):
    def __init__(self, job_id: int):
        super().__init__(f"no print job number {job_id}")


class PrintQueue:
    def __init__(self, store, now: Callable[[], datetime],
                 retry_first_seconds: float = 5, retry_max_seconds: float = 300):
        self.store = store
        self._jobs = store.models.PrintJob
        self.now = now
        self.retry_first = retry_first_seconds
        self.retry_max = retry_max_seconds

    @classmethod
    def for_box(cls, box) -> "PrintQueue":
        return cls(box.store, box.clock.now,
                   box.settings["printer.retry_first_seconds"],
                   box.settings["printer.retry_max_seconds"])

    def enqueue(self, receipt: Receipt, kind: str = "receipt",
                reprint_of: int | None = None) -> PrintJob:
        """A new queued job; joins the caller's write transaction if any."""
        now = self.now()
        with self.store.write():
            job = self._jobs.create(kind=kind, tracking_code=receipt.tracking_code,
                                  receipt=receipt.to_json(), state=QUEUED, created_at=now,
                                  updated_at=now, next_attempt_at=now, reprint_of=reprint_of)
        log.info("print job %d queued (%s %s)", job.id, kind, receipt.tracking_code)
        return job

    def enqueue_intake_receipt(self, intake, box) -> PrintJob:
        """The intake's receipt, headed by the office the box serves and its QR
        signed with the box's key: the first is the original, each later one a
        copy numbered by how many receipts of the intake were queued before."""
        jobs = self._jobs
        before = jobs.select().where((jobs.tracking_code == intake.tracking_code) &
                                     (jobs.kind == "receipt")).count()
        return self.enqueue(receipt_for_intake(intake, box.settings, box.office().name,
                                               copy=before, sign=box.keys.signing_key.sign))

    def receipts_issued(self, tracking_code: str) -> int:
        """How many receipts of the intake were printed."""
        jobs = self._jobs
        return jobs.select().where((jobs.tracking_code == tracking_code) &
                                   (jobs.kind == "receipt") & (jobs.state == DONE)).count()

    def claim(self, job_id: int | None = None) -> PrintJob | None:
        """The oldest job due now (or job `job_id` if waiting), moved to
        `printing`; None when none is due."""
        now = self.now()
        waiting = self._jobs.state.in_((QUEUED, FAILED))
        with self.store.write():
            if job_id is not None:
                job = self._jobs.select().where(self._jobs.id == job_id, waiting).first()
            else:
                job = (self._jobs.select().where(waiting, self._jobs.next_attempt_at <= now)
                       .order_by(self._jobs.next_attempt_at, self._jobs.id).first())
            if job is None:
                return None
            job.state, job.attempts, job.updated_at = PRINTING, job.attempts + 1, now
            job.save()
        return job

    def mark_done(self, job: PrintJob) -> None:
        now = self.now()
        with self.store.write():
            self._jobs.update(state=DONE, printed_at=now, updated_at=now, last_error="",
                            last_error_code="") \
                .where(self._jobs.id == job.id).execute()
        log.info("print job %d printed", job.id)

    def mark_failed(self, job: PrintJob, reason: str, code: str = "unreachable") -> datetime:
        """Keep the job for a retry; returns when it will be tried again."""
        now = self.now()
        attempts = max(1, job.attempts)
        wait = min(self.retry_max, self.retry_first * 2 ** (attempts - 1))
        retry_at = now + timedelta(seconds=wait)
        with self.store.write():
            self._jobs.update(state=FAILED, last_error=reason, last_error_code=code, updated_at=now,
                            next_attempt_at=retry_at).where(self._jobs.id == job.id).execute()
        log.info("print job %d failed (attempt %d): %s; retry in %.0f s",
                    job.id, attempts, reason, wait)
        return retry_at

    def recover_interrupted(self) -> int:
        """Jobs left in `printing` by a crash go back for a retry now."""
        now = self.now()
        with self.store.write():
            return (self._jobs.update(state=FAILED, updated_at=now, next_attempt_at=now,
                                    last_error="interrupted while printing (restart or power cut)",
                                    last_error_code="interrupted")
                    .where(self._jobs.state == PRINTING).execute())

    def reprint(self, job_id: int) -> PrintJob:
        original = self._jobs.get_or_none(self._jobs.id == job_id)
        if original is None:
            raise JobNotFound(job_id)
        return self.enqueue(Receipt.from_json(original.receipt), original.kind,
                            reprint_of=original.id)

    def retry_now(self, job_id: int) -> None:
        """Try a failed job at once instead of waiting out its backoff."""
        with self.store.write():
            changed = (self._jobs.update(next_attempt_at=self.now())
                       .where(self._jobs.id == job_id, self._jobs.state == FAILED).execute())
        if not changed and self._jobs.get_or_none(self._jobs.id == job_id) is None:
            raise JobNotFound(job_id)

    def get(self, job_id: int) -> PrintJob:
        return self._jobs.get_by_id(job_id)

    def jobs_for(self, tracking_code: str) -> list[PrintJob]:
        return list(self._jobs.select().where(self._jobs.tracking_code == tracking_code)
                    .order_by(self._jobs.id))

    def counts(self) -> dict[str, int]:
        counts = {state: 0 for state in STATE_WORDS}
        jobs = self._jobs
        rows = jobs.select(jobs.state, fn.COUNT(jobs.id)).group_by(jobs.state)
        for state, count in rows.tuples():
            counts[state] = count
        return counts

    def failed_jobs(self, limit: int = 50) -> list[PrintJob]:
        return list(self._jobs.select().where(self._jobs.state == FAILED)
                    .order_by(self._jobs.id).limit(limit))


def job_dict(job: PrintJob) -> dict:
    return {"id": job.id, "kind": job.kind, "tracking_code": job.tracking_code,
            "state": job.state, "state_words": STATE_WORDS[job.state],
            "attempts": job.attempts, "last_error": job.last_error,
            "last_error_code": job.last_error_code,
            "last_error_words": state_phrase(job.last_error_code) if job.last_error else None,
            "created_at": job.created_at.isoformat(),
            "next_attempt_at": job.next_attempt_at.isoformat(),
            "printed_at": job.printed_at.isoformat() if job.printed_at else None,
            "reprint_of": job.reprint_of}
