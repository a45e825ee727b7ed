"""Cards that log an operator in: a supervisor binds a card to a user.

`bind_card(box, username, uid, by_supervisor)` and `user_for_card(box, uid)`
are what the login page and the supervisor's user page call.
"""

from __future__ import annotations

from edge.errors import Conflict, Forbidden, InvalidInput, NotFound
from edge.models import User

from hardware.card.serial_reader import normalize_uid

# The card's refusals; their `card.*` messages are in edge.messages.
class CardInvalid(InvalidInput):
    pass


class CardForbidden(Forbidden):
    pass


class CardUserNotFound(NotFound):
    pass


class CardTaken(Conflict):
    pass


def _supervisor(by_supervisor) -> User:
    user = by_supervisor if isinstance(by_supervisor, User) else User.get_or_none(
        User.username == str(by_supervisor))
    if user is None or user.role != "supervisor" or not user.active:
        raise CardForbidden("card.not_supervisor")
    return user


def bind_card(box, username: str, uid: str, by_supervisor) -> User:
    """Give card `uid` to `username`; audited. A card belongs to one user."""
    try:
        number = normalize_uid(uid)
    except ValueError:
        raise CardInvalid("card.bad_uid", "card_uid") from None
    with box.store.write():
        supervisor = _supervisor(by_supervisor)
        user = User.get_or_none(User.username == username)
        if user is None:
            raise CardUserNotFound("card.unknown_user", "username")
        holder = User.get_or_none(User.card_uid == number)
        if holder is not None and holder.id != user.id:
            raise CardTaken("card.taken", "card_uid")
        User.update(card_uid=number).where(User.id == user.id).execute()
        # The audit keeps the card's last digits only: the number is a login credential.
        box.events.record(supervisor.username, "user.card_bound", username, {"card": "…" + number[-4:]})
    return User.get_by_id(user.id)


def unbind_card(box, username: str, by_supervisor) -> None:
    with box.store.write():
        supervisor = _supervisor(by_supervisor)
        user = User.get_or_none(User.username == username)
        if user is None:
            raise CardUserNotFound("card.unknown_user", "username")
        User.update(card_uid=None).where(User.id == user.id).execute()
        box.events.record(supervisor.username, "user.card_unbound", username, {})


def user_for_card(box, uid: str) -> User | None:
    """The active user holding this card, or None (an unknown card logs nobody in)."""
    try:
        number = normalize_uid(uid)
    except ValueError:
        return None
    return User.get_or_none((User.card_uid == number) & (User.active == True))  # noqa: E712
