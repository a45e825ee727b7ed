"""Accounts, login cards and tokens: the rules in edge.users and edge.roles,
which the portal, the API, the CLI and the card reader all call."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, strategies as st

from edge import roles, users
from edge.errors import Conflict, Forbidden, InvalidInput, NotFound
from edge.i18n import ENGLISH, MessageCatalogue
from tests.conftest import make_user


@pytest.fixture
def supervisor(box):
    return make_user(box, "maryam", "supervisor")


# --- card numbers -------------------------------------------------------------

@given(st.binary(min_size=4, max_size=10), st.sampled_from([":", " ", "-", ""]), st.booleans())
def test_card_numbers_in_any_spelling_are_one(raw, separator, lower):
    # six bytes whose last is the XOR of the others read as an RDM6300 frame (below)
    assume(len(raw) != 6 or raw[5] != raw[0] ^ raw[1] ^ raw[2] ^ raw[3] ^ raw[4])
    spelled = separator.join(f"{byte:02x}" if lower else f"{byte:02X}" for byte in raw)
    assert users.card_number(spelled) == raw.hex().upper()


@pytest.mark.parametrize("typed, stored", [
    ("۰۴:a۲:۳b:۹c", "04A23B9C"),          # Persian digits, as an operator types them
    ("UID=04a1b2c3", "04A1B2C3"),          # a reader's prefix
    ("0012345678", "0012345678"),          # an EM4100 reader's decimal number
    ("0A0B0C0D0E0E", "0A0B0C0D0E"),        # an RDM6300 frame: 5 bytes and their XOR
])
def test_card_number_forms(typed, stored):
    assert users.card_number(typed) == stored


@pytest.mark.parametrize("typed", ["", "12", "not hex!", "ABC", "04A1B2C", "ت۱۲۳۴۵۶۷۸"])
def test_what_is_not_a_card_number(typed):
    assert users.card_number(typed) is None


@given(st.text(max_size=40))
def test_a_card_number_is_digits_or_whole_hex_bytes(text):
    number = users.card_number(text)
    if number is not None:
        assert number.isascii() and number == number.upper()
        assert number.isdigit() or (len(number) % 2 == 0 and int(number, 16) >= 0)


# --- binding a card -------------------------------------------------------------

def test_bind_then_login_by_card(box, operator, supervisor):
    users.bind_card(box.store, box.events, "ali", "04:a1:b2:c3", supervisor)
    assert users.user_for_card(box.store, "04A1B2C3").username == "ali"
    assert users.user_for_card(box.store, "FFFFFFFF") is None
    assert users.user_for_card(box.store, "not a card") is None
    entries = box.store.models.AuditEntry
    audit = entries.select().order_by(entries.id.desc()).first()
    assert audit.action == "user.card_bound"
    assert "04A1B2C3" not in str(audit.__data__)   # the audit keeps the last digits only


def test_only_an_active_supervisor_binds(box, operator, supervisor):
    with pytest.raises(Forbidden) as caught:
        users.bind_card(box.store, box.events, "ali", "04A1B2C3", operator)
    assert caught.value.message(ENGLISH) == "Only a supervisor can give a card to a user."
    assert caught.value.status == 403
    supervisor.active = False
    with pytest.raises(Forbidden):
        users.bind_card(box.store, box.events, "ali", "04A1B2C3", supervisor)


def test_a_card_has_one_holder(box, operator, supervisor):
    make_user(box, "reza", "operator")
    users.bind_card(box.store, box.events, "ali", "04A1B2C3", supervisor)
    with pytest.raises(Conflict) as caught:
        users.bind_card(box.store, box.events, "reza", "04 a1 b2 c3", supervisor)
    assert caught.value.message(MessageCatalogue().translator("fa")) == "این کارت به کاربر دیگری داده شده است."
    assert users.user_for_card(box.store, "04A1B2C3").username == "ali"


def test_bad_number_unknown_user_and_taking_a_card_away(box, operator, supervisor):
    with pytest.raises(InvalidInput) as caught:
        users.bind_card(box.store, box.events, "ali", "12", supervisor)
    assert caught.value.field == "card_uid"
    with pytest.raises(NotFound):
        users.bind_card(box.store, box.events, "nobody", "04A1B2C3", supervisor)
    users.bind_card(box.store, box.events, "ali", "04A1B2C3", supervisor)
    users.bind_card(box.store, box.events, "ali", "", supervisor)
    assert users.user_for_card(box.store, "04A1B2C3") is None
    assert users.find(box.store, "ali").card_uid is None


def test_a_deactivated_holder_is_not_logged_in_by_card(box, operator, supervisor):
    users.bind_card(box.store, box.events, "ali", "04A1B2C3", supervisor)
    box.store.models.User.update(active=False).where(
        box.store.models.User.username == "ali").execute()
    assert users.user_for_card(box.store, "04A1B2C3") is None


# --- tokens and roles ---------------------------------------------------------

def test_only_the_hash_of_a_token_is_kept_and_it_finds_its_user(box, operator, clock):
    token = users.issue_token(box.store, box.events, operator, hours=1)
    [kept] = box.store.models.ApiToken.select()
    assert kept.token_hash == users.token_hash(token) and token not in kept.token_hash
    assert users.user_for_token(box.store, token, clock.now()).username == "ali"
    assert users.user_for_token(box.store, token + "x", clock.now()) is None


def test_roles_are_declared_once():
    assert set(roles.CITIZEN_DATA_ROLES) < set(roles.ALL_ROLES) == set(roles.ROLES)
    assert roles.TECHNICIAN not in roles.CITIZEN_DATA_ROLES    # no citizen data for technicians
    assert roles.SUPERVISOR_ROLES == (roles.SUPERVISOR,)
