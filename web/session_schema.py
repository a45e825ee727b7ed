"""The portal's tables: server-side login sessions of the operators' browsers,
and the citizen-facing rating screens they open."""

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



class RatingScreen(BaseModel):
    """A tablet facing the citizen, opened once by an operator (`/rate`): its
    cookie reaches the rating screen of that operator's counter and nothing else."""
    token_hash = CharField(unique=True)
    user = ForeignKeyField(User)
    created_at = UtcDateTimeField()

    class Meta:
        table_name = "rating_screen"


_V2_RATING_SCREENS = run_sql(
    """CREATE TABLE rating_screen (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL)""",
)

MIGRATIONS = [_V1_SESSIONS, _V2_RATING_SCREENS]
MODELS = (PortalSession, RatingScreen)
