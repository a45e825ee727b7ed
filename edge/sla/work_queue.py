"""The day's work: every open intake with its service level, the one due
first at the top, filtered by service and by state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from edge.intake import TRANSITIONS
from edge.models import Intake
from edge.sla.records import calendar_for, levels_of
from edge.sla.rules import DUE_SOON, ON_TIME, OVERDUE, Level

FINISHED = tuple(status for status, onward in TRANSITIONS.items() if not onward)
OPEN_STATES = (ON_TIME, DUE_SOON, OVERDUE)


@dataclass(frozen=True)
class Work:
    intake: Intake
    level: Level
    office_seconds_left: float     # below zero when overdue

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS[self.intake.status]


def open_work(store, settings, now: datetime, service_code: str = "",
              state: str = "") -> list[Work]:
    intake, service = store.models.Intake, store.models.Service
    selection = intake.select(intake, service).join(service).where(intake.status.not_in(FINISHED))
    if service_code:
        selection = selection.where(service.code == service_code)
    intakes = list(selection)
    calendar = calendar_for(store, settings)
    levels = levels_of(store, settings, intakes, now, calendar)
    work = [Work(item, levels[item.id], calendar.open_seconds(now, levels[item.id].due_at)
                 - calendar.open_seconds(levels[item.id].due_at, now))
            for item in intakes]
    if state:
        work = [item for item in work if item.level.state == state]
    return sorted(work, key=lambda item: (item.level.due_at, item.intake.id))
