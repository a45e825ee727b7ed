"""Settings of the business calendar and the service-level clock
(`[calendar]` and `[sla]` in edge.toml)."""

from __future__ import annotations

from edge.settings import Setting, parse_int
from edge.sla.calendar import parse_clock


def parse_clock_setting(value) -> str:
    parse_clock(value)
    return str(value).strip()


def parse_optional_clock(value) -> str:
    """A time of day, or empty for a day off."""
    return "" if str(value).strip() == "" else parse_clock_setting(value)


def parse_statuses(value) -> str:
    names = [name.strip() for name in str(value).split(",") if name.strip()]
    if not all(name.replace("_", "").isalpha() for name in names):
        raise ValueError("must be status names separated by commas")
    return ",".join(names)


SETTINGS = (
    Setting("calendar.opens", "08:00", "Time the office opens, Saturday to Thursday.",
            parse_clock_setting),
    Setting("calendar.closes", "16:00", "Time the office closes, Saturday to Wednesday.",
            parse_clock_setting),
    Setting("calendar.thursday_closes", "12:00",
            "Time the office closes on Thursday; empty when Thursday is a day off.",
            parse_optional_clock),
    Setting("sla.pause_statuses", "waiting_citizen,waiting_agency",
            "Statuses that stop the service-level clock (the intake waits on someone else).",
            parse_statuses),
    Setting("sla.due_soon_percent", 25,
            "An open intake is due soon when this share of its target time is left.",
            parse_int(1, 100)),
)
