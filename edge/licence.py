"""The office's licence: whether it is in force (law article 9: new intakes
stop when it is not). The one home of the rule; the intake and the
dashboard both ask here."""

from __future__ import annotations

from datetime import datetime

from edge import plain_sql
from edge.errors import Forbidden


def office(store):
    """The box's office row, or None before one exists."""
    return plain_sql.first(store.db, store.models.Office, "SELECT * FROM office ORDER BY id LIMIT 1")


def status_at(office_row, at: datetime) -> str:
    """The licence's status at `at`: an active licence whose end has passed is
    expired; a box with no office yet is not held back."""
    if office_row is None:
        return "active"
    status = office_row.licence_status
    if status == "active" and office_row.licence_expires and office_row.licence_expires <= at:
        return "expired"
    return status


def ensure_in_force(store, at: datetime) -> None:
    """Forbidden when the licence is not in force at `at`."""
    status = status_at(office(store), at)
    if status != "active":
        raise Forbidden("licence.inactive", status=status)


# Days before expiry when the dashboard warns, the nearer one more loudly.
WARNING_DAYS = (30, 7)


def days_left(office_row, at: datetime) -> int | None:
    """Whole days until the licence's end (0 on its last day, below 0 after),
    or None when it has no end date."""
    if office_row is None or office_row.licence_expires is None:
        return None
    return (office_row.licence_expires - at).days


def warning_days(office_row, at: datetime) -> int | None:
    """The nearest threshold of WARNING_DAYS the licence's end lies within, or
    None (no end date, far enough away, or already not in force)."""
    left = days_left(office_row, at)
    if left is None or status_at(office_row, at) != "active":
        return None
    within = [days for days in WARNING_DAYS if left < days]
    return min(within) if within else None
