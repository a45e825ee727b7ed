"""Faster hands in a real browser (Playwright's Chromium on the real waitress
server): a known citizen filled in, the search by name typed on an Arabic
keyboard, a login that runs out while the form is open, Enter moving on and
the record button that cannot be pressed twice."""

from __future__ import annotations

import re
import threading
import time

from playwright.sync_api import expect

from tests.portal.conftest import logged_in, make_intake

CITIZEN = "0499370899"
SAVED = re.compile(r".*/intakes/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\?done=saved")


def test_a_known_national_code_fills_name_and_mobile(tab, portal):
    client = logged_in(portal, "operator")
    make_intake(client, national_code=CITIZEN, full_name="مریم کاظمی", mobile="09351112233")
    make_intake(client, service_code="SANA-REG", national_code="0013542419",
                full_name="پنهان پنهانی", mobile="09120000000")
    tab.login("operator")
    page = tab.go("/intakes/new?service=HEALTH-INS")
    page.fill("#f-national_code", "۰۴۹۹۳۷۰۸۹۹")
    # A locator's wait, not wait_for_function: the portal's CSP forbids eval.
    expect(page.locator("#f-full_name")).not_to_have_value("")
    assert page.input_value("#f-full_name") == "مریم کاظمی"
    assert page.input_value("#f-mobile") == "09351112233"
    assert page.locator("#citizen-filled").is_visible()
    page.fill("#f-full_name", "مریم کاظمی‌نژاد")             # the operator may change them
    tab.submit("#submit-intake")
    assert SAVED.match(page.url)
    assert "مریم کاظمی‌نژاد" in page.content()

    page = tab.go("/intakes/new?service=HEALTH-INS")         # a confidential intake fills nothing
    page.fill("#f-full_name", "نام تایپ‌شده")
    with page.expect_response(lambda response: "/intakes/citizen" in response.url) as asked:
        page.fill("#f-national_code", "0013542419")
    assert asked.value.json() == {"found": False}
    assert page.input_value("#f-full_name") == "نام تایپ‌شده"
    assert page.input_value("#f-mobile") == ""


def test_search_by_name_typed_with_arabic_letters_or_without_half_spaces(tab, portal):
    client = logged_in(portal, "operator")
    code = make_intake(client, full_name="علی‌رضا کریمی")
    other = make_intake(client, national_code=CITIZEN, full_name="زهرا احمدی")
    tab.login("operator")
    for typed in ("عليرضا كريمي", "علیرضا", "علی رضا"):
        page = tab.go("/intakes")
        page.fill("#f-name", typed)
        page.press("#f-name", "Enter")                        # a search form: Enter searches
        page.wait_for_url(re.compile(r".*/intakes\?.*name="))
        rows = page.locator("#results tbody tr")
        assert rows.count() == 1, typed
        assert code in rows.first.inner_text() and other not in page.content()
    page = tab.go("/intakes")
    page.fill("#f-tracking_code", code.lower())               # the whole code: the intake itself
    page.press("#f-tracking_code", "Enter")
    page.wait_for_url(portal.url + f"/intakes/{code}")
    assert page.locator("#tracking-code").inner_text().strip() == code


def test_a_login_that_runs_out_keeps_the_form(tab, portal):
    page = tab.login("operator")
    page = tab.go("/intakes/new?service=POST-PARCEL")
    page.fill("#f-national_code", "0013542419")
    page.fill("#f-full_name", "زهرا احمدی")
    page.fill("#f-mobile", "09121234567")
    page.fill("#f-fields\\.postcode", "1234567890")
    page.fill("#f-fields\\.weight_grams", "500")
    page.check("#pay-card")
    page.fill("#f-payment\\.reference", "123456789012")
    page.fill("#f-payment\\.card_last4", "4321")
    portal.clock.advance(minutes=portal.box.settings["session.idle_minutes"] + 1)
    tab.submit("#submit-intake")
    assert page.url.startswith(portal.url + "/login")
    assert "پس از مدتی بی‌کاری" in page.content()
    assert portal.box.store.models.Intake.select().count() == 0
    page.fill("#f-username", "operator")
    page.fill("#f-password", portal.passwords["operator"])
    tab.submit("button[type='submit']")
    assert "service=POST-PARCEL" in page.url
    assert page.locator("#draft-restored").is_visible()
    assert page.input_value("#f-full_name") == "زهرا احمدی"
    assert page.input_value("#f-fields\\.weight_grams") == "500"
    assert page.input_value("#f-payment\\.reference") == "123456789012"
    assert page.is_checked("#pay-card")
    tab.submit("#submit-intake")
    assert SAVED.match(page.url)
    intake = portal.box.store.models.Intake.get()
    assert (intake.full_name, intake.payment_method, intake.payment_reference) == (
        "زهرا احمدی", "card", "123456789012")
    page = tab.go("/intakes/new?service=POST-PARCEL")         # a new form starts empty
    assert page.input_value("#f-full_name") == ""
    assert not page.locator("#draft-restored").is_visible()


def test_enter_moves_on_and_the_busy_button_records_once(tab, portal, monkeypatch):
    tab.login("operator")
    page = tab.go("/intakes/new?service=HEALTH-INS")
    page.fill("#f-national_code", "0013542419")
    page.press("#f-national_code", "Enter")
    assert page.evaluate("document.activeElement.id") == "f-full_name"
    page.keyboard.type("زهرا احمدی")
    page.keyboard.press("Enter")
    page.keyboard.type("09121234567")
    page.keyboard.press("Enter")
    assert "service=HEALTH-INS" in page.url and page.evaluate(
        "document.activeElement.name") == "payment.method"
    asked, answer = [], threading.Event()       # the box is slow to answer: the operator tries again
    record = portal.box.intakes.create

    def slow_record(*args, **kwargs):
        asked.append(args)
        answer.wait(10)
        return record(*args, **kwargs)

    monkeypatch.setattr(portal.box.intakes, "create", slow_record)
    # What the button looks like once pressed is kept where the next page can read it
    # (the page itself is navigating away); a second submit is tried from the page too.
    page.evaluate("""() => {
      const form = document.getElementById('intake-form');
      const button = document.getElementById('submit-intake');
      form.addEventListener('submit', () => setTimeout(() => {
        if (sessionStorage.getItem('seen')) { return; }
        sessionStorage.setItem('seen', JSON.stringify(
          [button.disabled, button.getAttribute('aria-busy'), button.innerText]));
        form.requestSubmit();
      }, 50));
    }""")
    page.dblclick("#submit-intake", no_wait_after=True)
    time.sleep(0.5)
    answer.set()
    page.wait_for_url(SAVED)
    assert len(asked) == 1
    assert portal.box.store.models.Intake.select().count() == 1
    disabled, busy, words = page.evaluate("JSON.parse(sessionStorage.getItem('seen'))")
    assert disabled and busy == "true" and "در حال ثبت" in words
