"""The performance figures of a range of Iran-time days.

What counts: the intakes taken in the range (their day is the Iran-time day
they were taken) that still stand, i.e. not cancelled, with their fees. A
cancelled intake gave its fee back and owes no service, so it is left out of
every figure. The service level is the intake's as it stands now
(`edge.sla`): met when it was done in time; missed when it was done late or is
still open past its due time; an open intake still in time counts in neither.
Satisfaction is the citizens' rating of the service (1 to 5, `edge.voice`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from edge.jalali import IRAN
from edge.sla.records import calendar_for, levels_of
from edge.sla.rules import MET, MISSED, OVERDUE

# At most this many days in one report: a year and a bit, so a page of charts
# (one bar a day) stays readable and the box's answer stays quick.
MAX_DAYS = 400
SLICE = 5000


@dataclass
class Tally:
    """One line of figures (a day, a service, an operator or the whole range)."""
    intakes: int = 0
    fees_rials: int = 0
    sla_met: int = 0
    sla_missed: int = 0
    ratings: int = 0
    rating_points: int = 0

    def add(self, fee_rials: int, sla_state: str | None, rating: int | None) -> None:
        self.intakes += 1
        self.fees_rials += fee_rials
        self.sla_met += sla_state == MET
        self.sla_missed += sla_state in (MISSED, OVERDUE)
        if rating is not None:
            self.ratings += 1
            self.rating_points += rating

    @property
    def satisfaction(self) -> float | None:
        """The average rating, one decimal; None without ratings."""
        return round(self.rating_points / self.ratings, 1) if self.ratings else None

    def as_dict(self) -> dict:
        return {"intakes": self.intakes, "fees_rials": self.fees_rials,
                "sla_met": self.sla_met, "sla_missed": self.sla_missed,
                "ratings": self.ratings, "satisfaction": self.satisfaction}


@dataclass
class Named:
    """A service or an operator with its figures."""
    key: str
    name_fa: str
    name_en: str
    tally: Tally = field(default_factory=Tally)

    def name(self, lang: str = "fa") -> str:
        return self.name_fa if lang == "fa" else self.name_en


@dataclass
class Figures:
    first: date
    last: date
    days: dict[date, Tally]
    services: list[Named]
    operators: list[Named]
    total: Tally


def day_window(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of Iran-time day `first` to the end of day `last`."""
    return (datetime.combine(first, time(0, 0), IRAN),
            datetime.combine(last + timedelta(days=1), time(0, 0), IRAN))


def counted_intakes(store, first: date, last: date) -> list:
    """The intakes the figures count: taken from `first` to `last` (Iran
    time) and not cancelled, with their service and operator. The one place
    that says what counts."""
    start, end = day_window(first, last)
    intake, service, user = store.models.Intake, store.models.Service, store.models.User
    return list(intake.select(intake, service, user).join(service).switch(intake).join(user)
                .where((intake.created_at >= start) & (intake.created_at < end)
                       & (intake.status != "cancelled"))
                .order_by(intake.id))


def _ratings(store, first: date, last: date) -> dict[int, int]:
    """{intake id: its service rating} of the intakes taken in the range."""
    start, end = day_window(first, last)
    rating, intake = store.models.Rating, store.models.Intake
    return {row.intake_id: row.service for row in
            rating.select(rating.intake, rating.service).join(intake)
            .where((intake.created_at >= start) & (intake.created_at < end))}


def _levels(store, settings, intakes: list, now: datetime) -> dict:
    """{intake id: its service level}, read a slice at a time (a year of a busy
    office is more intakes than SQLite takes parameters in one query)."""
    calendar = calendar_for(store, settings)
    levels = {}
    for start in range(0, len(intakes), SLICE):
        levels.update(levels_of(store, settings, intakes[start:start + SLICE], now, calendar))
    return levels


def figures(store, settings, first: date, last: date, now: datetime) -> Figures:
    """The figures from day `first` to day `last`, both included, as they stand at `now`."""
    if last < first:
        raise ValueError("the range ends before it starts")
    if (last - first).days >= MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    intakes = counted_intakes(store, first, last)
    levels = _levels(store, settings, intakes, now)
    ratings = _ratings(store, first, last)
    days = {first + timedelta(days=n): Tally() for n in range((last - first).days + 1)}
    services: dict[str, Named] = {}
    operators: dict[str, Named] = {}
    total = Tally()
    for intake in intakes:
        level = levels[intake.id]
        found = (intake.fee_rials, level.state if level else None, ratings.get(intake.id))
        service, operator = intake.service, intake.operator
        lines = (days[intake.created_at.astimezone(IRAN).date()], total,
                 services.setdefault(service.code, Named(service.code, service.name_fa,
                                                         service.name_en)).tally,
                 operators.setdefault(operator.username, Named(
                     operator.username, operator.full_name, operator.full_name)).tally)
        for line in lines:
            line.add(*found)
    return Figures(first, last, days, sorted(services.values(), key=_by_volume),
                   sorted(operators.values(), key=_by_volume), total)


def _by_volume(named: Named) -> tuple:
    """The busiest first; equal ones by code or username."""
    return -named.tally.intakes, named.key
