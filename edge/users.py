"""Accounts of the people who use the box, their login cards, and the
bearer tokens of the API and the portal's sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from edge import passwords
from edge.digits import to_ascii_digits
from edge.errors import Conflict, Forbidden, InvalidInput, NotFound
from edge.events import EventLog
from edge.models import User
from edge.roles import ROLES, SUPERVISOR

_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
_CARD_SEPARATORS = re.compile(r"[\s:\-]")
_CARD_PREFIXES = ("UID=", "CARD=", "ID=")


def find(store, username: str) -> User | None:
    user = store.models.User
    return user.get_or_none(user.username == username)


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
        if find(store, username):
            raise Conflict("user.exists", "username")
        stamp = events.stamp()
        user = store.models.User.create(username=username, full_name=full_name, role=role,
                                        password_hash=password_hash, created_at=stamp.at)
        events.record(actor, "user.added", username, {"role": role}, stamp=stamp)
    return user


def authenticate(store, username: str, password: str) -> User | None:
    """The active user with this password, or None (in the same time either way)."""
    user = find(store, username)
    if user is None or not user.active:
        passwords.burn_time(password)
        return None
    return user if passwords.verify_password(user.password_hash, password) else None


def token_hash(token: str) -> str:
    """What is kept of a bearer token or session token: its hash, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store, events: EventLog, user: User, hours: int) -> str:
    """A bearer token for the API; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    with store.write():
        stamp = events.record(user.username, "api.token_issued", user.username, {})
        store.models.ApiToken.create(token_hash=token_hash(token), user=user.id,
                                     created_at=stamp.at,
                                     expires_at=stamp.at + timedelta(hours=hours))
    return token


def user_for_token(store, token: str, now) -> User | None:
    tokens, people = store.models.ApiToken, store.models.User
    row = (tokens.select(tokens, people).join(people)
           .where(tokens.token_hash == token_hash(token)).first())
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


# --- login cards ----------------------------------------------------------------

def card_number(text: str) -> str | None:
    """A card number as typed or as a reader sent it -> its stored form, or None
    when it is none. Hex comes back upper case without separators ('04:a2:3b:9c'
    -> '04A23B9C'); a decimal number (EM4100 readers print 10 digits) as its
    digits; an RDM6300 frame (5 bytes and their XOR) as its 5 bytes."""
    text = _CARD_SEPARATORS.sub("", to_ascii_digits(text)).upper()
    for prefix in _CARD_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
    if not text.isascii():
        return None
    if text.isdigit():
        return text if 6 <= len(text) <= 20 else None
    if not re.fullmatch(r"[0-9A-F]+", text) or len(text) % 2 or not 8 <= len(text) <= 32:
        return None
    if len(text) == 12 and _rdm6300_checksum_ok(text):
        return text[:10]
    return text


def _rdm6300_checksum_ok(text: str) -> bool:
    data = bytes.fromhex(text)
    checksum = 0
    for byte in data[:5]:
        checksum ^= byte
    return checksum == data[5]


def bind_card(store, events: EventLog, username: str, uid: str, supervisor: User) -> User:
    """Give card `uid` to `username` (an empty `uid` takes the card away);
    audited. Only an active supervisor binds, and a card belongs to one user."""
    number = None
    if uid.strip():
        number = card_number(uid)
        if number is None:
            raise InvalidInput("card.bad_uid", "card_uid")
    people = store.models.User
    with store.write():
        if supervisor.role != SUPERVISOR or not supervisor.active:
            raise Forbidden("card.not_supervisor")
        user = find(store, username)
        if user is None:
            raise NotFound("card.unknown_user", "username")
        holder = people.get_or_none(people.card_uid == number) if number else None
        if holder is not None and holder.id != user.id:
            raise Conflict("card.taken", "card_uid")
        people.update(card_uid=number).where(people.id == user.id).execute()
        if number:
            # The audit keeps the card's last digits only: the number is a login credential.
            events.record(supervisor.username, "user.card_bound", username,
                          {"card": "…" + number[-4:]})
        else:
            events.record(supervisor.username, "user.card_unbound", username, {})
    return people.get_by_id(user.id)


def user_for_card(store, uid: str) -> User | None:
    """The active user holding this card, or None (an unknown card logs nobody in)."""
    number = card_number(uid)
    if number is None:
        return None
    people = store.models.User
    return people.get_or_none((people.card_uid == number) & (people.active == True))  # noqa: E712
