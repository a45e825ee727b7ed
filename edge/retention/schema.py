"""Retention's table: which intakes' personal fields were purged, and when."""

from __future__ import annotations

from peewee import ForeignKeyField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel, Intake

NAME = "retention"


class Purged(BaseModel):
    intake = ForeignKeyField(Intake, primary_key=True)
    purged_at = UtcDateTimeField()

    class Meta:
        table_name = "retention_purged"


MIGRATIONS = [run_sql(
    """CREATE TABLE retention_purged (
        intake_id INTEGER PRIMARY KEY REFERENCES intake (id),
        purged_at TEXT NOT NULL)""",
)]
MODELS = (Purged,)
