"""The portal's tables: server-side login sessions of the operators' browsers,
and the login throttle's failures, and the citizen-facing rating screens they open."""

from __future__ import annotations

from peewee import CharField, FloatField, ForeignKeyField, IntegerField

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
    login_epoch = IntegerField(default=0)   # the user's epoch at login (edge.users.end_logins)

    class Meta:
        table_name = "portal_session"


class LoginFailure(BaseModel):
    """Failed logins by key (a username at an address, or an address): the
    login throttle's memory, which a restart keeps."""
    key = CharField(primary_key=True)
    count = IntegerField()
    last_at = FloatField()

    class Meta:
        table_name = "login_failure"


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

# Version 3: a session lives only in the login epoch of its user.
_V3_LOGIN_EPOCH = run_sql(
    "ALTER TABLE portal_session ADD COLUMN login_epoch INTEGER NOT NULL DEFAULT 0")

# Version 4: the login throttle's failures, kept across restarts.
_V4_LOGIN_FAILURES = run_sql(
    """CREATE TABLE login_failure (
        key TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        last_at REAL NOT NULL)""")

MIGRATIONS = [_V1_SESSIONS, _V2_RATING_SCREENS, _V3_LOGIN_EPOCH, _V4_LOGIN_FAILURES]
MODELS = (PortalSession, RatingScreen, LoginFailure)
