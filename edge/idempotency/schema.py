"""The idempotency keys' own table: which key made which intake, and when."""

from __future__ import annotations

from peewee import CharField, ForeignKeyField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel, Intake, User

NAME = "idempotency"


class IdempotencyKey(BaseModel):
    """A client's key for one submission. Keys belong to the user who sent
    them: two clients choosing the same key never see each other's intakes."""
    user = ForeignKeyField(User)
    key = CharField()
    fingerprint = CharField()   # hash of the request the key first came with
    intake = ForeignKeyField(Intake)
    created_at = UtcDateTimeField()

    class Meta:
        table_name = "idempotency_key"
        primary_key = False


_V1_KEYS = run_sql(
    """CREATE TABLE idempotency_key (
        user_id INTEGER NOT NULL REFERENCES users (id),
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        intake_id INTEGER NOT NULL REFERENCES intake (id),
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, key))""",
    "CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at)",
)

MIGRATIONS = [_V1_KEYS]
MODELS = (IdempotencyKey,)
