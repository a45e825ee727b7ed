"""Where the service levels meet the store: the calendar of the moment (the
settings' office hours, the bundle's holidays, the supervisor's closures),
what the bundle installs, and one intake's level."""

from __future__ import annotations

from datetime import date, datetime

from edge import jalali
from edge.errors import Conflict, InvalidInput
from edge.events import EventLog
from edge.sla.calendar import BusinessCalendar, parse_clock
from edge.sla.rules import Change, Level, Targets, assess

MAX_REASON = 200


def calendar_for(store, settings) -> BusinessCalendar:
    models = store.models
    closed = {row.day for row in models.Holiday.select(models.Holiday.day)}
    closed |= {row.day for row in models.Closure.select(models.Closure.day)}
    thursday = settings["calendar.thursday_closes"]
    return BusinessCalendar(opens=parse_clock(settings["calendar.opens"]),
                            closes=parse_clock(settings["calendar.closes"]),
                            thursday_closes=parse_clock(thursday) if thursday else None,
                            closed_days=frozenset(closed))


def _first_action_hours(store) -> dict[int, float]:
    """{service id: hours to the first action} of the services that have that target."""
    target = store.models.FirstActionTarget
    return {row.service_id: row.hours for row in target.select()}


def level_of(store, settings, intake, now: datetime) -> Level | None:
    """One intake's service level at `now`."""
    return levels_of(store, settings, [intake], now)[intake.id]


def levels_of(store, settings, intakes, now: datetime,
              calendar: BusinessCalendar | None = None) -> dict[int, Level | None]:
    """{intake id: its service level at `now`}, with one calendar and one
    read of the histories for all of them."""
    calendar = calendar or calendar_for(store, settings)
    first_action = _first_action_hours(store)
    histories = _histories(store, [intake.id for intake in intakes])
    pausing = settings["sla.pause_statuses"].split(",")
    fraction = settings["sla.due_soon_percent"] / 100
    return {intake.id: assess(histories.get(intake.id, []),
                              Targets(intake.service.sla_hours,
                                      first_action.get(intake.service_id)),
                              calendar, now, pausing, fraction)
            for intake in intakes}


def _histories(store, ids: list[int]) -> dict[int, list[Change]]:
    change = store.models.IntakeStatusChange
    found: dict[int, list[Change]] = {}
    for row in change.select(change.intake, change.to_status, change.at) \
            .where(change.intake.in_(ids)).order_by(change.id):
        found.setdefault(row.intake_id, []).append(Change(row.to_status, row.at))
    return found


def install_from_bundle(store, bundle: dict) -> None:
    """The bundle's holidays (its list replaces the last one; a bundle
    without the key leaves them) and first-action targets. Inside the
    bundle's write transaction; ValueError when the content is wrong."""
    models = store.models
    if "holidays" in bundle:
        holidays = [_holiday(entry) for entry in bundle["holidays"]]
        models.Holiday.delete().execute()
        for day, name in holidays:
            models.Holiday.insert(day=day, name=name).on_conflict_replace().execute()
    services = {row.code: row for row in models.Service.select()}
    models.FirstActionTarget.delete().execute()
    for entry in bundle["services"]:
        hours = entry.get("sla_first_action_hours")
        if hours is None:
            continue
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours <= 0:
            raise ValueError(f"sla_first_action_hours of {entry['code']} must be positive hours")
        models.FirstActionTarget.create(service=services[entry["code"]].id, hours=hours)


def _holiday(entry) -> tuple[date, str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("date"), str):
        raise ValueError("a holiday is a table with a Jalali date, e.g. date = \"1405/01/01\"")
    return jalali.parse_date(entry["date"]), str(entry.get("name", ""))


def add_closure(store, events: EventLog, day_text: str, reason: str, user) -> date:
    """A supervisor closes the office for a day (Jalali date) with a reason; audited."""
    try:
        day = jalali.parse_date(day_text)
    except ValueError:
        raise InvalidInput("date.jalali", "day") from None
    reason = " ".join(str(reason).split())
    if not reason:
        raise InvalidInput("field.required", "reason", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput("field.too_long", "reason", field="reason", max=MAX_REASON)
    closure = store.models.Closure
    with store.write():
        if closure.get_or_none(closure.day == day) is not None:
            raise Conflict("closure.exists", "day")
        stamp = events.record(user.username, "calendar.closed", day.isoformat(),
                              {"reason": reason})
        closure.create(day=day, reason=reason, user=user, created_at=stamp.at)
    return day


def closures(store) -> list:
    closure = store.models.Closure
    return list(closure.select().order_by(closure.day.desc()))
