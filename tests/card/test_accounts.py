"""Card login: a supervisor binds a card, the card finds its user."""

from __future__ import annotations

import pytest

from edge.i18n import ENGLISH, MessageCatalogue
from edge.models import AuditEntry
from hardware.card.accounts import CardForbidden, CardInvalid, CardTaken, bind_card, unbind_card, user_for_card
from tests.conftest import make_user


@pytest.fixture
def supervisor(box):
    return make_user(box, "maryam", "supervisor")


def test_bind_then_login_by_card(box, operator, supervisor):
    bind_card(box, "ali", "04:a1:b2:c3", supervisor)
    assert user_for_card(box, "04A1B2C3").username == "ali"
    assert user_for_card(box, "FFFFFFFF") is None
    assert user_for_card(box, "not a card") is None
    audit = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert "04A1B2C3" not in str(audit.__data__)   # the audit keeps the last digits only


def test_only_a_supervisor_binds(box, operator):
    with pytest.raises(CardForbidden) as caught:
        bind_card(box, "ali", "04A1B2C3", operator)
    assert caught.value.message(ENGLISH) == "Only a supervisor can give a card to a user."
    assert caught.value.status == 403


def test_a_card_has_one_holder(box, operator, supervisor):
    make_user(box, "reza", "operator")
    bind_card(box, "ali", "04A1B2C3", supervisor)
    with pytest.raises(CardTaken) as caught:
        bind_card(box, "reza", "04A1B2C3", supervisor)
    assert caught.value.message(MessageCatalogue().translator("fa")) == "این کارت به کاربر دیگری داده شده است."
    assert user_for_card(box, "04A1B2C3").username == "ali"


def test_bad_card_number_and_unbinding(box, operator, supervisor):
    with pytest.raises(CardInvalid):
        bind_card(box, "ali", "12", supervisor)
    bind_card(box, "ali", "04A1B2C3", supervisor)
    unbind_card(box, "ali", supervisor)
    assert user_for_card(box, "04A1B2C3") is None
