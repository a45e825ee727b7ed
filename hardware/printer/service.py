"""The receipt printer as the rest of the box uses it: its state in words
(for `edge hw status` and the /hardware page), the jobs, and reprints.

Each state comes three ways: `state` (English words, with details),
`state_code` (one of escpos.STATE_CODES or printing, idle, failed) and
`state_words` (a catalogue phrase the portal says in the reader's language)."""

from __future__ import annotations

import json

from edge.i18n import phrase
from hardware.printer.queue import state_phrase


def _last_status(box) -> dict | None:
    status = box.store.models.PrinterStatusRecord
    record = status.get_or_none(status.id == 1)
    if record is None:
        return None
    details = json.loads(record.details)
    code = details.get("code", "error")
    return {"url": record.url, "state": record.state, "state_code": code,
            "state_words": state_phrase(code), "details": details,
            "checked_at": record.checked_at.isoformat()}


def _probe(box) -> dict:
    from hardware.printer.transport import PrinterError, open_printer, query_status, sim_dir
    url = box.settings["printer.url"]
    try:
        connection = open_printer(url, sim_dir=sim_dir(box.home))
    except PrinterError as error:
        return {"state": "unreachable", "code": error.code, "reason": str(error)}
    try:
        answer = query_status(connection, box.settings["printer.status_timeout"])
    except PrinterError as error:
        return {"state": "unreachable", "code": error.code, "reason": str(error)}
    finally:
        connection.close()
    details = answer.as_dict()
    if not answer.answered:
        details["state"] = "no status (the printer does not answer DLE EOT)"
    return details


def status(box, probe: bool = True) -> dict:
    """{"device": "printer", "url", "state" (words), "queue": counts, ...};
    with `probe` the printer is asked now (DLE EOT), else the worker's last
    answer is shown."""
    from hardware.printer.queue import PrintQueue
    queue = PrintQueue.for_box(box)
    counts = queue.counts()
    result = {"device": "printer", "url": box.settings["printer.url"],
              "width_dots": box.settings["printer.width_dots"],
              "queue": counts, "last_status": _last_status(box)}
    if probe:
        live = _probe(box)
        result["state"], result["state_code"], result["live"] = live["state"], live["code"], live
    else:
        last = result["last_status"]
        result["state"] = last["state"] if last else "not checked yet"
        result["state_code"] = last["state_code"] if last else "not_checked"
    if state_phrase(result["state_code"]):    # the portal says it in the reader's language
        result["state_words"] = state_phrase(result["state_code"])
    result["ok"] = result["state_code"] in ("ready", "paper_near_end")
    if counts["failed-will-retry"]:
        result["state"] += f"; {counts['failed-will-retry']} receipt(s) waiting to be retried"
    return result


def jobs_overview(box, limit: int = 20) -> dict:
    """For /hardware: the printer's state in words, failed jobs with their
    reasons (each can be reprinted), recent jobs, and the newest simulator
    preview (a PNG path, or None when the printer is real or nothing printed)."""
    from hardware.printer.queue import PrintQueue, job_dict
    from hardware.printer.transport import sim_dir
    queue = PrintQueue.for_box(box)
    counts = queue.counts()
    failed = [job_dict(job) for job in queue.failed_jobs()]
    last = _last_status(box)
    if failed:
        state = f"{len(failed)} receipt(s) not printed yet: {failed[-1]['last_error']}"
        code = "failed"
        state_words = phrase("%(num)s receipt(s) not printed yet: %(reason)s", num=len(failed),
                             reason=failed[-1]["last_error_words"] or failed[-1]["last_error"])
    elif counts["queued"] or counts["printing"]:
        state, code = "printing", "printing"
    elif last:
        state, code = last["state"], last["state_code"]
    else:
        state, code = "idle", "idle"
    if code != "failed":
        state_words = state_phrase(code)
    preview = sim_dir(box.home) / "latest.png"
    jobs = box.store.models.PrintJob
    recent = jobs.select().order_by(jobs.id.desc()).limit(limit)
    return {"state": state, "state_code": code, "state_words": state_words,
            "url": box.settings["printer.url"], "counts": counts,
            "last_status": last, "failed": failed,
            "recent": [job_dict(job) for job in recent],
            "latest_preview": str(preview) if preview.exists() else None}


def reprint(box, job_id: int) -> dict:
    """Queue the receipt of job `job_id` again (the /hardware page's
    "reprint" button); JobNotFound for an unknown job."""
    from hardware.printer.queue import PrintQueue, job_dict
    job = PrintQueue.for_box(box).reprint(job_id)
    _wake(box)
    return job_dict(job)


def reprint_intake(box, tracking_code: str) -> dict:
    """Queue the receipt of an intake again (the intake page's button)."""
    from hardware.printer.queue import PrintQueue, job_dict
    intake = box.intakes.get(tracking_code)            # NotFound for an unknown code
    job = PrintQueue.for_box(box).enqueue_intake_receipt(intake, box)
    _wake(box)
    return job_dict(job)


def retry_now(box, job_id: int) -> None:
    """Try a failed job at once instead of after its backoff."""
    from hardware.printer.queue import PrintQueue
    PrintQueue.for_box(box).retry_now(job_id)
    _wake(box)


def _wake(box) -> None:
    if box.parts.printer is not None:
        box.parts.printer.wake()
