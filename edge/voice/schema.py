"""Tables of the citizen's voice (component `edge.voice`)."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField, TextField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel, Intake

NAME = "edge.voice"

OUTCOMES = ("rated", "late", "unmatched", "duplicate", "unreadable")

MIGRATIONS = [
    run_sql(
        # An intake whose done SMS asked for a rating: a reply is matched against these.
        """CREATE TABLE rating_request (
            id INTEGER PRIMARY KEY,
            intake_id INTEGER NOT NULL UNIQUE REFERENCES intake (id),
            mobile TEXT NOT NULL,
            asked_at TEXT NOT NULL)""",
        "CREATE INDEX rating_request_mobile ON rating_request (mobile, asked_at)",
        # One rating per intake: a second answer never overwrites the first.
        """CREATE TABLE rating (
            id INTEGER PRIMARY KEY,
            intake_id INTEGER NOT NULL UNIQUE REFERENCES intake (id),
            service INTEGER NOT NULL CHECK (service BETWEEN 1 AND 5),
            staff INTEGER CHECK (staff IS NULL OR staff BETWEEN 1 AND 5),
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'counter')),
            at TEXT NOT NULL)""",
        # Every SMS reply that was not 11/12, with what became of it; none is dropped.
        """CREATE TABLE citizen_reply (
            id INTEGER PRIMARY KEY,
            sender TEXT NOT NULL,
            text TEXT NOT NULL,
            received_at TEXT NOT NULL,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('rated', 'late', 'unmatched', 'duplicate', 'unreadable')),
            intake_id INTEGER REFERENCES intake (id))""",
    ),
]


class RatingRequest(BaseModel):
    intake = ForeignKeyField(Intake, unique=True)
    mobile = TextField()
    asked_at = UtcDateTimeField()

    class Meta:
        table_name = "rating_request"


class Rating(BaseModel):
    intake = ForeignKeyField(Intake, unique=True)
    service = IntegerField()
    staff = IntegerField(null=True)
    channel = TextField()
    at = UtcDateTimeField()

    class Meta:
        table_name = "rating"


class CitizenReply(BaseModel):
    sender = TextField()
    text = TextField()
    received_at = UtcDateTimeField()
    outcome = TextField()
    intake = ForeignKeyField(Intake, null=True)

    class Meta:
        table_name = "citizen_reply"


MODELS = (RatingRequest, Rating, CitizenReply)
