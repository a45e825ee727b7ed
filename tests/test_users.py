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


def test_a_card_logs_in_only_with_its_holders_pin(box, operator, supervisor):
    users.bind_card(box.store, box.events, "ali", "04A1B2C3", supervisor)
    with pytest.raises(InvalidInput) as caught:
        users.authenticate_card(box.store, "04A1B2C3", "1234")
    assert caught.value.code == "card.no_pin"            # no PIN yet: the card alone is not enough
    for bad in ("123", "1234567", "12a4", ""):
        with pytest.raises(InvalidInput) as caught:
            users.set_pin(box.store, box.events, operator, bad)
        assert caught.value.message(ENGLISH) == "A PIN is 4 to 6 digits."
    users.set_pin(box.store, box.events, operator, "۰۴۸۲۹", actor="maryam")
    kept = users.find(box.store, "ali").pin_hash
    assert "04829" not in kept and users.authenticate_card(box.store, "04a1b2c3", "04829").username == "ali"
    with pytest.raises(InvalidInput) as caught:
        users.authenticate_card(box.store, "04A1B2C3", "4829")
    assert caught.value.code == "card.wrong_pin"
    with pytest.raises(InvalidInput) as caught:
        users.authenticate_card(box.store, "FFFFFFFF", "04829")
    assert caught.value.code == "card.nobody"
    entries = box.store.models.AuditEntry
    assert entries.select().order_by(entries.id.desc()).first().action == "user.pin_set"


# --- tokens and roles ---------------------------------------------------------

def test_only_the_hash_of_a_token_is_kept_and_it_finds_its_user(box, operator, clock):
    token = users.issue_token(box.store, box.events, operator, hours=1)
    [kept] = box.store.models.ApiToken.select()
    assert kept.token_hash == users.token_hash(token) and token not in kept.token_hash
    assert users.user_for_token(box.store, token, clock.now()).username == "ali"
    assert users.user_for_token(box.store, token + "x", clock.now()) is None


def test_a_new_password_ends_every_token_of_the_user_and_only_theirs(box, operator, supervisor,
                                                                      clock):
    first, second = (users.issue_token(box.store, box.events, operator, hours=1) for _ in "12")
    others = users.issue_token(box.store, box.events, supervisor, hours=1)
    users.set_password(box.store, box.events, operator, "a brand new password")
    assert users.user_for_token(box.store, first, clock.now()) is None
    assert users.user_for_token(box.store, second, clock.now()) is None
    assert users.user_for_token(box.store, others, clock.now()).username == "maryam"
    assert users.authenticate(box.store, "ali", "a brand new password").login_epoch == 1


def test_a_token_from_before_a_deactivation_stays_dead_after_reactivation(box, operator, clock):
    token = users.issue_token(box.store, box.events, operator, hours=1)
    users.set_active(box.store, box.events, operator, False)
    users.set_active(box.store, box.events, operator, True)
    assert users.user_for_token(box.store, token, clock.now()) is None
    actions = [entry.action for entry in box.store.models.AuditEntry.select()]
    assert actions[-2:] == ["user.deactivated", "user.activated"]


def test_revoking_a_token_ends_that_token_only(box, operator, clock):
    kept, revoked = (users.issue_token(box.store, box.events, operator, hours=1) for _ in "12")
    users.revoke_token(box.store, box.events, operator, revoked)
    assert users.user_for_token(box.store, revoked, clock.now()) is None
    assert users.user_for_token(box.store, kept, clock.now()).username == "ali"


def test_a_token_issued_while_the_clock_ran_fast_dies_when_the_clock_is_fixed(box, operator,
                                                                             clock):
    clock.advance(days=3650)
    token = users.issue_token(box.store, box.events, operator, hours=12)
    clock.advance(days=-3650)
    assert users.user_for_token(box.store, token, clock.now()) is None


def test_a_token_seen_expired_stays_dead_when_the_clock_goes_back(box, operator, clock):
    token = users.issue_token(box.store, box.events, operator, hours=12)
    clock.advance(hours=13)
    assert users.user_for_token(box.store, token, clock.now()) is None
    clock.advance(hours=-12)
    assert users.user_for_token(box.store, token, clock.now()) is None


@pytest.mark.parametrize("name", ["Ali\x00", "\u202eilA", "Ali\x9b", "Ali\u2067"])
def test_control_characters_in_a_users_name_are_refused(box, name):
    with pytest.raises(InvalidInput) as refused:
        users.add_user(box.store, box.events, "ali", name, "operator", "a long password")
    assert (refused.value.code, refused.value.field) == ("field.control", "full_name")


def test_persian_names_keep_their_zero_width_non_joiner(box):
    made = users.add_user(box.store, box.events, "ali", "علی\u200cاکبر", "operator",
                          "a long password")
    assert made.full_name == "علی\u200cاکبر"


def test_an_unknown_user_is_named_in_the_refusal(box):
    with pytest.raises(NotFound) as refused:
        users.existing(box.store, "nobody")
    persian = refused.value.message(MessageCatalogue().translator("fa"))
    assert refused.value.field == "username" and persian == "کاربری به نام «nobody» نیست."


def test_roles_are_declared_once():
    assert set(roles.CITIZEN_DATA_ROLES) < set(roles.ALL_ROLES) == set(roles.ROLES)
    assert roles.TECHNICIAN not in roles.CITIZEN_DATA_ROLES    # no citizen data for technicians
    assert roles.SUPERVISOR_ROLES == (roles.SUPERVISOR,)
