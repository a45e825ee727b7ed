"""What `/sync`, `GET /api/v1/sync` and `edge sync status` show, in words and numbers."""

from __future__ import annotations

from datetime import datetime

from edge.i18n import N_, phrase
from sync_agent import bundle as bundles, state
from sync_agent.agent import parse_time


def status(box, agent=None) -> dict:
    """Queue depth, the oldest unsent record's age, last success, last error in
    words; `agent` is the running sync agent, if there is one."""
    now = box.clock.now()
    enrolment = state.enrolment(box.store)
    acked = box.outbox.acked_seq()
    kept = box.outbox.kept().count()
    depth = box.outbox.depth()
    oldest = box.outbox.oldest_pending()
    oldest_age = box.outbox.oldest_age_seconds(now)
    last_success = parse_time(state.get(box.store, state.LAST_SUCCESS))
    agent_state = agent.state.value if agent else ("idle" if enrolment else "not_enrolled")
    if not box.settings["sync.enabled"]:
        agent_state = "disabled"
    last_error = state.get(box.store, state.LAST_ERROR, "") or ""
    bundle = bundles.current(box.store)
    return {
        "state": agent_state,
        "enrolled": enrolment is not None,
        "gateway": enrolment.gateway_url if enrolment else None,
        "office": enrolment.office if enrolment else None,
        "device": box.keys.device_id,
        "queue_depth": depth,
        "oldest_unsent_seq": oldest.seq if oldest else None,
        "oldest_unsent_at": _text(oldest.created_at) if oldest else None,
        "oldest_unsent_age_seconds": oldest_age,
        "acked_seq": acked,
        # Acknowledged, kept until the central system pulls them (sync.keep_days).
        "kept_records": kept,
        "pulled_seq": state.get(box.store, state.PULLED_SEQ),
        "dropped_unpulled_total": state.get(box.store, state.DROPPED_UNPULLED, 0),
        "records_sent_total": state.get(box.store, state.SENT_RECORDS, 0),
        "last_success_at": _text(last_success),
        "last_success_age_seconds": _age(now, last_success) if last_success else None,
        "last_attempt_at": state.get(box.store, state.LAST_ATTEMPT),
        "last_error": last_error,
        "last_error_code": state.get(box.store, state.LAST_ERROR_CODE, "") if last_error else "",
        "last_error_words": _error_words(state.get(box.store, state.LAST_ERROR_CODE, ""), last_error)
        if last_error else None,
        "last_error_at": state.get(box.store, state.LAST_ERROR_AT) if last_error else None,
        "consecutive_failures": state.get(box.store, state.FAILURES, 0),
        "clock_skew_ms": state.get(box.store, state.SKEW_MS),
        "bundle_version": bundle["version"] if bundle else 0,
        "bundle_expires_at": bundle["expires_at"] if bundle else None,
        "bundle_error": state.get(box.store, state.BUNDLE_ERROR, "") or "",
        "licence_status": bundle["office"]["licence_status"] if bundle else None,
        "summary": summary(enrolment is not None, depth, oldest_age, last_error, agent_state,
                           kept),
    }


# The last error by its code, for people; a refusal keeps the gateway's own words.
ERRORS = {
    "unreachable": N_("The central gateway could not be reached; trying again."),
    "timeout": N_("The central gateway did not answer in time; trying again."),
    "not_enrolled": N_("This box is not enrolled with the central gateway; a technician "
                       "must enrol it."),
    "internal": N_("An internal error while sending; the details are in the system log."),
    "refused": N_("The central gateway refused the sending: %(error)s"),
}


def _error_words(code: str, error: str) -> dict:
    return phrase(ERRORS.get(code or "refused", ERRORS["refused"]), error=error)


def summary(enrolled: bool, depth: int, oldest_age: int | None, last_error: str,
            agent_state: str, kept: int = 0) -> str:
    """One sentence (English) for people; the portal translates from the numbers."""
    if agent_state == "disabled":
        return "sync is switched off (sync.enabled = false)"
    if not enrolled:
        return "not enrolled with a gateway: run edge enroll --gateway URL --token TOKEN"
    if depth == 0 and kept:
        return (f"everything has reached the gateway; {kept} record(s) kept until the "
                "central system pulls them")
    if depth == 0:
        return "everything has reached the gateway"
    waiting = f"{depth} record(s) waiting, the oldest for {_duration(oldest_age or 0)}"
    return f"{waiting}; last error: {last_error}" if last_error else waiting


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _age(now: datetime, then: datetime) -> int:
    return max(0, int((now - then).total_seconds()))   # a clock moved back shows 0, not < 0


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
