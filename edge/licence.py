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
