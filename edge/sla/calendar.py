"""The business calendar: which hours of which Iran-time days the office is
open. Friday is off; Thursday closes early, runs a full day or is off (a
setting); public holidays come from the centre's bundle (lunar dates can
move by a day, so the centre's list is the truth) and closures from the
supervisor (heat, power, snow). Pure arithmetic: the rows are read once by
whoever builds the calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from edge.jalali import IRAN

FRIDAY = 4     # date.weekday(): Monday is 0
THURSDAY = 3
MAX_DAYS_AHEAD = 3660   # a target never lies ten years of closed days away


def parse_clock(text: str) -> time:
    """'08:00' -> time(8, 0); ValueError otherwise."""
    hours, _, minutes = str(text).strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError("must be a time of day like 08:00")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class BusinessCalendar:
    opens: time = time(8, 0)
    closes: time = time(16, 0)
    thursday_closes: time | None = time(12, 0)    # None: Thursday is off
    closed_days: frozenset[date] = field(default_factory=frozenset)   # holidays and closures

    def hours_of(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval of an Iran-time day, or None when it is closed."""
        if day.weekday() == FRIDAY or day in self.closed_days:
            return None
        closes = self.closes
        if day.weekday() == THURSDAY:
            if self.thursday_closes is None:
                return None
            closes = min(self.thursday_closes, self.closes)
        start = datetime.combine(day, self.opens, IRAN)
        end = datetime.combine(day, closes, IRAN)
        return (start, end) if end > start else None

    def open_seconds(self, start: datetime, end: datetime) -> float:
        """Office seconds between two moments (0 when end is not after start)."""
        total = 0.0
        day = start.astimezone(IRAN).date()
        while end > start and day <= end.astimezone(IRAN).date():
            hours = self.hours_of(day)
            if hours is not None:
                overlap = min(end, hours[1]) - max(start, hours[0])
                total += max(overlap.total_seconds(), 0.0)
            day += timedelta(days=1)
        return total

    def add_open_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment when `seconds` of office time have passed after `start`."""
        day = start.astimezone(IRAN).date()
        last = day + timedelta(days=MAX_DAYS_AHEAD)
        while day <= last:
            hours = self.hours_of(day)
            if hours is not None:
                begin = max(start, hours[0])
                available = (hours[1] - begin).total_seconds()
                if available > 0:
                    if seconds <= available:
                        return begin + timedelta(seconds=seconds)
                    seconds -= available
            day += timedelta(days=1)
        raise ValueError("the calendar has no open hours in the next ten years")
