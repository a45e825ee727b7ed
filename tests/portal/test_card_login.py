"""Logging in with a card and its PIN, on the real server: a card typed by a
reader at the operator's desk, a card read at the box's own reader (its
serial simulator on a pty) while the login page waits for it, and every way
it must log nobody in."""

from __future__ import annotations

import pytest

from edge import users
from edge.parts import Parts
from hardware.card.part import make_service
from tests.helpers import wait_until
from tests.portal.conftest import Browserish

CARD = "04A1B2C3D4E5F6"


@pytest.fixture
def carded(portal):
    """The operator holds CARD with PIN 4829."""
    store, events = portal.box.store, portal.box.events
    users.bind_card(store, events, "operator", CARD, users.find(store, "supervisor"))
    users.set_pin(store, events, users.find(store, "operator"), "۴۸۲۹")
    return portal


def card_login(portal, **form) -> tuple[Browserish, object]:
    client = Browserish(portal.url)
    client.get("/login")
    return client, client.post("/login/card", form)


def test_a_card_typed_at_the_desk_with_its_pin_logs_its_holder_in(carded):
    client, answer = card_login(carded, card="04:a1:b2:c3:d4:e5:f6", pin="4829", next="/intakes")
    assert answer.status_code == 303 and answer.headers["Location"] == "/intakes"
    assert "اپراتور نمونه" in client.get("/intakes").text
    assert carded.box.store.models.PortalSession.select().count() == 1


def test_a_card_alone_or_with_a_wrong_pin_logs_nobody_in(carded):
    for pin in ("", "1111"):
        _, answer = card_login(carded, card=CARD, pin=pin)
        assert answer.status_code == 401 and "رمز کوتاه این کارت درست نیست." in answer.text
    assert carded.box.store.models.PortalSession.select().count() == 0


def test_a_card_of_nobody_or_of_a_disabled_user_logs_nobody_in(carded):
    _, answer = card_login(carded, card="0102030405060708", pin="4829")
    assert answer.status_code == 401 and "این کارت کسی را وارد نمی‌کند" in answer.text
    store, events = carded.box.store, carded.box.events
    users.set_active(store, events, users.find(store, "operator"), False)
    _, answer = card_login(carded, card=CARD, pin="4829")
    assert answer.status_code == 401 and "این کارت کسی را وارد نمی‌کند" in answer.text
    assert store.models.PortalSession.select().count() == 0


def test_pin_guesses_are_throttled_like_passwords(carded):
    for _ in range(3):
        card_login(carded, card=CARD, pin="0000")
    _, answer = card_login(carded, card=CARD, pin="4829")     # the right PIN, too soon
    assert answer.status_code == 429 and "ثانیه صبر کنید" in answer.text


def test_a_ticket_for_no_card_at_the_box_logs_nobody_in(carded):
    _, answer = card_login(carded, card_ticket="1", pin="4829")
    assert answer.status_code == 400 and "کارت‌خوان جعبه" in answer.text


def test_the_supervisor_sets_a_pin_on_the_users_page(portal, supervisor_client):
    bad = supervisor_client.post("/users/operator/pin", {"pin": "12ab"})
    assert bad.status_code == 400 and "رمز کوتاه ۴ تا ۶ رقم است" in bad.text
    done = supervisor_client.post("/users/operator/pin", {"pin": "۱۲۳۴۵۶"})
    assert done.status_code == 303
    page = supervisor_client.get(done.headers["Location"]).text
    assert "رمز کوتاه کارت تعیین شد" in page
    users.bind_card(portal.box.store, portal.box.events, "operator", CARD,
                    users.find(portal.box.store, "supervisor"))
    assert users.authenticate_card(portal.box.store, CARD, "123456").username == "operator"


@pytest.fixture
def box_reader(portal):
    """The box's own card reader: a serial reader simulated on a pty."""
    service = make_service("sim://", portal.box.clock)
    portal.box.fit(Parts(card_reader=service))
    service.start()
    assert service.wait_until_listening()
    yield service
    service.stop()


def test_a_card_at_the_box_reader_logs_in_from_the_waiting_login_page(tab, carded, box_reader):
    page = tab.go("/login")
    page.wait_for_timeout(300)                    # the page is polling: nothing read yet
    assert not page.locator("#card-at-box").is_visible()
    box_reader.simulator.present(CARD)
    page.locator("#card-at-box").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "f-pin"
    page.keyboard.type("۴۸۲۹")
    tab.submit("#card-login-button")
    assert page.url == carded.url + "/"
    assert "اپراتور نمونه" in page.locator(".who").inner_text()


def test_a_keyboard_reader_types_the_card_then_the_pin_logs_in(tab, carded):
    page = tab.go("/login")
    page.click("#f-card")
    page.keyboard.type(CARD)                      # what a keyboard-emulating reader does
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "f-pin"
    page.keyboard.type("1111")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#card-error").inner_text() == "رمز کوتاه این کارت درست نیست."
    page.fill("#f-card", CARD)
    page.fill("#f-pin", "4829")
    tab.submit("#card-login-button")
    assert page.url == carded.url + "/"


def test_a_card_at_the_box_is_a_ticket_for_a_short_while(carded, box_reader):
    client = Browserish(carded.url)
    assert client.get("/login/card-at-box").json() == {"ticket": None}
    box_reader.simulator.present(CARD)
    ticket = wait_until(lambda: client.get("/login/card-at-box").json()["ticket"],
                        what="the card read at the box")
    assert CARD not in client.get("/login/card-at-box").text   # a ticket, never the number
    carded.clock.advance(seconds=31)
    assert client.get("/login/card-at-box").json() == {"ticket": None}
    _, late = card_login(carded, card_ticket=ticket, pin="4829")
    assert late.status_code == 400 and "۳۰ ثانیهٔ گذشته" in late.text
    box_reader.simulator.present(CARD)
    fresh = wait_until(lambda: client.get("/login/card-at-box").json()["ticket"] != ticket
                       and client.get("/login/card-at-box").json()["ticket"])
    _, alone = card_login(carded, card_ticket=fresh, pin="")
    assert alone.status_code == 401
    _, answer = card_login(carded, card_ticket=fresh, pin="4829")
    assert answer.status_code == 303
