"""The service levels' tables: the bundle's public holidays, the closures a
supervisor adds on the box, and the services' optional first-action targets
(the target to done stays the service's own `sla_hours`)."""

from __future__ import annotations

from peewee import DateField, FloatField, ForeignKeyField, TextField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel, Service, User

NAME = "sla"


class Holiday(BaseModel):
    """A public holiday as the centre's bundle lists it (an Iran-time day)."""
    day = DateField(primary_key=True)
    name = TextField()

    class Meta:
        table_name = "sla_holiday"


class Closure(BaseModel):
    """A day the office stayed shut (heat, power, snow), said by a supervisor."""
    day = DateField(unique=True)
    reason = TextField()
    user = ForeignKeyField(User)
    created_at = UtcDateTimeField()

    class Meta:
        table_name = "sla_closure"


class FirstActionTarget(BaseModel):
    service = ForeignKeyField(Service, primary_key=True)
    hours = FloatField()

    class Meta:
        table_name = "sla_first_action_target"


_V1_CALENDAR_TARGETS = run_sql(
    "CREATE TABLE sla_holiday (day TEXT PRIMARY KEY, name TEXT NOT NULL)",
    """CREATE TABLE sla_closure (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL UNIQUE,
        reason TEXT NOT NULL CHECK (reason <> ''),
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL)""",
    """CREATE TABLE sla_first_action_target (
        service_id INTEGER PRIMARY KEY REFERENCES service (id),
        hours REAL NOT NULL CHECK (hours > 0))""",
)

MIGRATIONS = [_V1_CALENDAR_TARGETS]
MODELS = (Holiday, Closure, FirstActionTarget)
