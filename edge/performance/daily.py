"""The daily performance event: each day's figures (`edge.performance.figures`)
queued for the centre once, after the set hour of that day, by a worker
round. Days the box missed (switched off, or before the hour) are caught up,
at most `CATCH_UP_DAYS` back, from the day of the first intake on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from edge import daybook
from edge.jalali import IRAN
from edge.performance.figures import Figures, figures
from edge.sla.calendar import parse_clock
from edge.worker import Chore

EVENT_TYPE = "performance.daily"
CATCH_UP_DAYS = 31
IDLE_SECONDS = 300.0


def payload(found: Figures) -> dict:
    """What the centre receives for one day."""
    return {"date": daybook.jalali_day(found.first), **found.total.as_dict(),
            "services": [{"code": line.key, **line.tally.as_dict()} for line in found.services],
            "operators": [{"username": line.key, **line.tally.as_dict()}
                          for line in found.operators]}


def days_due(store, settings, now: datetime) -> list[date]:
    """The days whose event is due and not queued yet, oldest first."""
    local = now.astimezone(IRAN)
    last = local.date() if local.time() >= parse_clock(settings["reports.daily_event_at"]) \
        else local.date() - timedelta(days=1)
    first = max(_first_intake_day(store) or last + timedelta(days=1),
                last - timedelta(days=CATCH_UP_DAYS - 1))
    sent = store.models.DaySent
    done = {row.day for row in sent.select(sent.day).where(sent.day >= first)}
    return [day for day in _days(first, last) if day not in done]


def _first_intake_day(store) -> date | None:
    intake = store.models.Intake
    first = intake.select(intake.created_at).order_by(intake.id).first()
    return first.created_at.astimezone(IRAN).date() if first else None


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def queue_day(box, day: date) -> bool:
    """Queue day `day`'s event (its figures now); False when it was queued already."""
    store = box.store
    with store.write():
        sent = store.models.DaySent
        if sent.get_or_none(sent.day == day) is not None:
            return False
        stamp = box.events.stamp()
        document = payload(figures(store, box.settings, day, day, stamp.at))
        box.events.record("box", "performance.daily_queued", document["date"],
                          {"intakes": document["intakes"], "fees_rials": document["fees_rials"]},
                          EVENT_TYPE, document, stamp)
        sent.create(day=day, queued_at=stamp.at)
    return True


def send_due(box) -> int:
    """Queue every due day's event; how many were queued."""
    return sum(queue_day(box, day) for day in days_due(box.store, box.settings, box.clock.now()))


def worker(box) -> Chore:
    """`send_due` every few minutes, with `edge run`."""
    return Chore("performance-daily", lambda: send_due(box), IDLE_SECONDS)
