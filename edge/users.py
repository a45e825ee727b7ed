"""Accounts of the people who use the box, and the API's bearer tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from edge import passwords
from edge.errors import Conflict, InvalidInput
from edge.events import EventLog
from edge.models import ROLES, ApiToken, User

_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")


def add_user(store, events: EventLog, username: str, full_name: str, role: str,
             password: str, actor: str = "console") -> User:
    if not _USERNAME.match(username or ""):
        raise InvalidInput("user.bad_name", "username")
    if role not in ROLES:
        raise InvalidInput("user.bad_role", "role")
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidInput("user.weak_password", "password", min=passwords.MIN_LENGTH)
    full_name = " ".join((full_name or username).split())[:100]
    password_hash = passwords.hash_password(password)
    with store.write():
        if User.get_or_none(User.username == username):
            raise Conflict("user.exists", "username")
        stamp = events.stamp()
        user = User.create(username=username, full_name=full_name, role=role,
                           password_hash=password_hash, created_at=stamp.at)
        events.record(actor, "user.added", username, {"role": role}, stamp=stamp)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this password, or None (in the same time either way)."""
    user = User.get_or_none(User.username == username)
    if user is None or not user.active:
        passwords.burn_time(password)
        return None
    return user if passwords.verify_password(user.password_hash, password) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store, events: EventLog, user: User, hours: int) -> str:
    """A bearer token for the API; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    with store.write():
        stamp = events.record(user.username, "api.token_issued", user.username, {})
        ApiToken.create(token_hash=_token_hash(token), user=user, created_at=stamp.at,
                        expires_at=stamp.at + timedelta(hours=hours))
    return token


def user_for_token(token: str, now) -> User | None:
    row = (ApiToken.select(ApiToken, User).join(User)
           .where(ApiToken.token_hash == _token_hash(token)).first())
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row.user


def set_password(store, events: EventLog, user: User, password: str,
                 actor: str = "console") -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidInput("user.weak_password", "password", min=passwords.MIN_LENGTH)
    user.password_hash = passwords.hash_password(password)
    with store.write():
        user.save()
        events.record(actor, "user.password_set", user.username, {})
