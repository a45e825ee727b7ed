"""Accounts of the people who use the box, their login cards, and the
bearer tokens of the API and the portal's sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from edge import hlc, passwords
from edge.digits import to_ascii_digits
from edge.errors import Conflict, Forbidden, InvalidInput, NotFound
from edge.events import EventLog
from edge.models import User
from edge.roles import ROLES, SUPERVISOR
from edge.text import refuse_control_characters

_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
_CARD_SEPARATORS = re.compile(r"[\s:\-]")
_CARD_PREFIXES = ("UID=", "CARD=", "ID=")
PIN_MIN, PIN_MAX = 4, 6


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
    full_name = " ".join(refuse_control_characters(full_name or username, "full_name")
                         .split())[:100]
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
    """The token's active user while `now` is inside the token's lifetime. A
    token seen outside it (expired, or issued "after" now: the clock went back
    or was running fast) is deleted then, so no later clock brings it back."""
    tokens, people = store.models.ApiToken, store.models.User
    row = (tokens.select(tokens, people).join(people)
           .where(tokens.token_hash == token_hash(token)).first())
    if row is None:
        return None
    if not row.created_at - hlc.MAX_OFFSET <= now < row.expires_at:
        with store.write():
            tokens.delete().where(tokens.id == row.id).execute()
        return None
    return row.user if row.user.active else None


def revoke_token(store, events: EventLog, user: User, token: str) -> None:
    """The API's logout: this one token of `user` stops working at once."""
    tokens = store.models.ApiToken
    with store.write():
        tokens.delete().where((tokens.token_hash == token_hash(token))
                              & (tokens.user == user.id)).execute()
        events.record(user.username, "api.token_revoked", user.username, {})


def end_logins(store, user: User) -> None:
    """Inside the caller's write: every API token and portal session of `user`
    ends at once. Tokens are deleted; a session belongs to the user's login
    epoch, which moves on, so no old session (nor token) comes back when the
    account is reactivated."""
    people, tokens = store.models.User, store.models.ApiToken
    tokens.delete().where(tokens.user == user.id).execute()
    people.update(login_epoch=people.login_epoch + 1).where(people.id == user.id).execute()
    user.login_epoch = people.get_by_id(user.id).login_epoch


def set_password(store, events: EventLog, user: User, password: str,
                 actor: str = "console") -> None:
    """A new password; the user's old logins (tokens and sessions) end with the old one."""
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidInput("user.weak_password", "password", min=passwords.MIN_LENGTH)
    password_hash = passwords.hash_password(password)
    people = store.models.User
    with store.write():
        people.update(password_hash=password_hash).where(people.id == user.id).execute()
        user.password_hash = password_hash
        end_logins(store, user)
        events.record(actor, "user.password_set", user.username, {})


def set_active(store, events: EventLog, user: User, active: bool, actor: str = "console") -> None:
    """Let the user log in, or not; a deactivation ends every login at once."""
    people = store.models.User
    with store.write():
        people.update(active=active).where(people.id == user.id).execute()
        user.active = active
        if not active:
            end_logins(store, user)
        events.record(actor, "user.activated" if active else "user.deactivated",
                      user.username, {})


def existing(store, username: str) -> User:
    """The user named `username`, or NotFound for the reader."""
    user = find(store, username)
    if user is None:
        raise NotFound("user.unknown", "username", username=username)
    return user


def everyone(store) -> list[User]:
    people = store.models.User
    return list(people.select().order_by(people.username))


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


def set_pin(store, events: EventLog, user: User, pin: str, actor: str = "console") -> None:
    """The PIN that goes with the user's card at login: 4 to 6 digits (Persian
    digits accepted), kept hashed like a password; audited, never logged."""
    digits = to_ascii_digits(pin or "").strip()
    if not (digits.isascii() and digits.isdigit() and PIN_MIN <= len(digits) <= PIN_MAX):
        raise InvalidInput("card.bad_pin_format", "pin", min=PIN_MIN, max=PIN_MAX)
    pin_hash = passwords.hash_password(digits)
    people = store.models.User
    with store.write():
        people.update(pin_hash=pin_hash).where(people.id == user.id).execute()
        user.pin_hash = pin_hash
        events.record(actor, "user.pin_set", user.username, {})


def authenticate_card(store, uid: str, pin: str) -> User:
    """The active user holding card `uid` whose PIN this is, or InvalidInput
    saying why not (a card alone never logs anyone in). Every way takes a hash
    check's time."""
    pin = to_ascii_digits(pin or "").strip()
    user = user_for_card(store, uid)
    if user is None or not user.pin_hash:
        passwords.burn_time(pin)
        raise InvalidInput("card.nobody" if user is None else "card.no_pin", "card")
    if not passwords.verify_password(user.pin_hash, pin):
        raise InvalidInput("card.wrong_pin", "pin")
    return user
