"""Closing the business day (Z): a supervisor types the cash counted in the
drawer; the day's totals, the count and the difference are kept, audited and
sent to the centre, once. What comes after the close counts in the next day."""

from __future__ import annotations

from datetime import date

from edge.daybook import calendar_day, jalali_day
from edge.daybook.totals import day_totals
from edge.errors import Conflict, Forbidden, InvalidInput
from edge.events import EventLog
from edge.fields import utc_text
from edge.models import User
from edge.roles import SUPERVISOR_ROLES

MAX_CASH_RIALS = 10**15


def clean_cash_counted(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("field.type", "cash_counted_rials", field="cash_counted_rials",
                           type="integer")
    if not 0 <= value <= MAX_CASH_RIALS:
        raise InvalidInput("field.range", "cash_counted_rials", field="cash_counted_rials")
    return value


def close_day(store, events: EventLog, supervisor: User, cash_counted_rials) -> dict:
    """Close today's business day; its totals with the count and the
    difference. A day is closed once (409 the second time)."""
    if supervisor.role not in SUPERVISOR_ROLES:
        raise Forbidden("auth.forbidden")
    counted = clean_cash_counted(cash_counted_rials)
    with store.write():   # the writer: no intake is between "counted" and "closed"
        stamp = events.stamp()
        day = calendar_day(stamp.at)
        if closed_totals(store, day) is not None:
            raise Conflict("day.already_closed", "date", date=jalali_day(day))
        totals = day_totals(store, day)
        totals.update(closed=True, closed_at=utc_text(stamp.at), closed_by=supervisor.username,
                      cash_counted_rials=counted,
                      difference_rials=counted - totals["cash_expected_rials"])
        store.models.DayClose.create(business_day=day, closed_at=stamp.at, hlc=stamp.hlc,
                                     closed_by=supervisor, cash_counted_rials=counted,
                                     totals=totals)
        events.record(supervisor.username, "day.closed", totals["date"],
                      {"cash_counted_rials": counted,
                       "difference_rials": totals["difference_rials"]},
                      "day.closed", totals, stamp)
    return totals


def closed_totals(store, day: date) -> dict | None:
    """The totals kept when `day` was closed, or None while it is open."""
    model = store.models.DayClose
    closed = model.get_or_none(model.business_day == day)
    return closed.totals if closed else None


def report(store, day: date) -> dict:
    """Day `day`'s totals: as closed (Z), or running (X) while it is open."""
    return closed_totals(store, day) or {**day_totals(store, day), "closed": False}
