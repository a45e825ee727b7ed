"""The portal's tables: server-side login sessions of the operators' browsers."""

from __future__ import annotations

from peewee import CharField, ForeignKeyField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel, User

NAME = "web"


class PortalSession(BaseModel):
    """One browser's login. Only a hash of the cookie's value is kept, so a copy
    of the database does not log anyone in."""
    token_hash = CharField(unique=True)
    user = ForeignKeyField(User)
    created_at = UtcDateTimeField()
    last_seen = UtcDateTimeField()

    class Meta:
        table_name = "portal_session"


_V1_SESSIONS = run_sql(
    """CREATE TABLE portal_session (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        last_seen TEXT NOT NULL)""",
    "CREATE INDEX portal_session_user ON portal_session (user_id)",
)

MIGRATIONS = [_V1_SESSIONS]
MODELS = (PortalSession,)
