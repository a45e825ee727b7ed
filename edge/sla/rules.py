"""The service-level clock of one intake, from its status history.

Time counts in office hours of the business calendar and stops while the
intake is in a pausing status (waiting on the citizen or the agency). The
target to done is the service's `sla_hours`; an optional target to the first
action (any change out of "received") counts from the intake without pauses,
since a pause is itself an action. Nothing is stored: the answer is worked
out from the history and the calendar of the moment, so a holiday or closure
added later moves every due time it touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from edge.sla.calendar import BusinessCalendar

HOUR = 3600.0
ON_TIME, DUE_SOON, OVERDUE, MET, MISSED = "on_time", "due_soon", "overdue", "met", "missed"
STATES = (ON_TIME, DUE_SOON, OVERDUE, MET, MISSED)
DONE, CANCELLED, RECEIVED = "done", "cancelled", "received"


@dataclass(frozen=True)
class Targets:
    done_hours: float
    first_action_hours: float | None = None


@dataclass(frozen=True)
class Level:
    due_at: datetime
    state: str
    paused: bool


@dataclass(frozen=True)
class Change:
    """One step of the status history: the status entered and when."""
    status: str
    at: datetime


def assess(history: Sequence[Change], targets: Targets, calendar: BusinessCalendar,
           now: datetime, pausing: Iterable[str], due_soon_fraction: float = 0.25
           ) -> Level | None:
    """The intake's service level now; None for a cancelled one (no service owed)."""
    if not history or history[-1].status == CANCELLED:
        return None
    pausing = frozenset(pausing)
    done_at = history[-1].at if history[-1].status == DONE else None
    end = done_at or now
    due = _due(calendar, _counting_spans(history, end, pausing), targets.done_hours * HOUR, end)
    first = _first_action(history, targets, calendar)
    if done_at is not None:
        late = done_at > due or (first is not None and _late(first, done_at))
        return Level(due, MISSED if late else MET, paused=False)
    if first is not None and first[1] is None:     # no first action yet: that is due first
        due = min(due, first[0])
    late_first = first is not None and _late(first, now)
    return Level(due, _open_state(calendar, due, now, targets, due_soon_fraction, late_first),
                 paused=history[-1].status in pausing)


def _open_state(calendar: BusinessCalendar, due: datetime, now: datetime, targets: Targets,
                fraction: float, late_first: bool) -> str:
    if late_first or now > due:
        return OVERDUE
    left = calendar.open_seconds(now, due)
    return DUE_SOON if left <= fraction * targets.done_hours * HOUR else ON_TIME


def _counting_spans(history: Sequence[Change], end: datetime,
                    pausing: frozenset[str]) -> list[tuple[datetime, datetime]]:
    """The stretches of the history when the clock ran, up to `end`."""
    spans = []
    for change, following in zip(history, [*history[1:], None]):
        stop = following.at if following is not None else end
        if change.status not in pausing and change.status not in (DONE, CANCELLED):
            spans.append((change.at, min(stop, end)))
    return spans


def _due(calendar: BusinessCalendar, spans: list[tuple[datetime, datetime]], budget: float,
         end: datetime) -> datetime:
    """When the budget of office seconds runs out: inside a span that used it
    up, else projected on from `end` as if the clock ran from there."""
    for start, stop in spans:
        used = calendar.open_seconds(start, stop)
        if used >= budget:
            return calendar.add_open_seconds(start, budget)
        budget -= used
    return calendar.add_open_seconds(end, budget)


def _first_action(history: Sequence[Change], targets: Targets, calendar: BusinessCalendar
                  ) -> tuple[datetime, datetime | None] | None:
    """(when the first action was due, when it came or None), or None without that target."""
    if targets.first_action_hours is None:
        return None
    acted = next((change.at for change in history[1:] if change.status != RECEIVED), None)
    return calendar.add_open_seconds(history[0].at, targets.first_action_hours * HOUR), acted


def _late(first: tuple[datetime, datetime | None], now: datetime) -> bool:
    due, acted = first
    return (acted or now) > due
