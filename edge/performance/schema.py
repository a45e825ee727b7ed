"""The performance component's table: which days' figures went to the
centre, so each day's event is queued once."""

from __future__ import annotations

from peewee import DateField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel

NAME = "performance"


class DaySent(BaseModel):
    day = DateField(primary_key=True)   # the Gregorian date of the Iran-time day
    queued_at = UtcDateTimeField()

    class Meta:
        table_name = "performance_day_sent"


MIGRATIONS = [run_sql(
    """CREATE TABLE performance_day_sent (
        day TEXT PRIMARY KEY,
        queued_at TEXT NOT NULL)""",
)]
MODELS = (DaySent,)
