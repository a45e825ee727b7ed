"""The portal in a real browser (Debian's chromium driven by Playwright)
against the real waitress server: the operator's day from login to logout,
keyboard only, on a phone and a 1024x768 screen, in Persian and English.
Screenshots of the main pages go to tests/screenshots/ (not committed)."""

from __future__ import annotations

import re
import time

import pytest

from tests.portal.conftest import DESKTOP, PHONE, Tab


def test_operators_day_in_persian_with_the_keyboard(tab, portal):
    page = tab.login("operator")
    assert page.locator("html").get_attribute("dir") == "rtl"
    tab.submit("text=درخواست جدید >> nth=0")
    page.fill("#service-query", "مرسوله")            # filters as the operator types
    assert page.locator("#service-list li:visible").count() == 1
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")                        # past the Find button to the service
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*service=POST-PARCEL"))
    assert page.evaluate("document.activeElement.id") == "f-national_code"
    keyboard = page.keyboard
    for text in ("۰۰۱۳۵۴۲۴۱۹", "زهرا احمدی", "۰۹۱۲۱۲۳۴۵۶۷", "۱۲۳۴۵۶۷۸۹۰", "۵۰۰"):
        keyboard.type(text)
        keyboard.press("Enter")                       # Enter moves to the next field
    assert page.evaluate("document.activeElement.id") == "pay-cash"
    for _ in range(3):                                # past the card payment's two fields
        keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "submit-intake"
    assert "service=POST-PARCEL" in page.url          # nothing recorded on the way
    keyboard.press("Enter")                           # only the button records
    page.wait_for_url(re.compile(r".*/intakes/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\?done=saved"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code)
    assert page.locator("#intake-date").inner_text() == "۱۰ آذر ۱۴۰۵، ۱۱:۳۰"
    assert page.locator("#intake-fee").inner_text() == "۷۸۰٬۰۰۰ ریال"
    tab.shot("fa-desktop-intake-detail")
    tab.submit("#receipt-link")
    assert page.locator("#receipt-tracking").inner_text().strip() == code
    assert page.locator("#receipt-date").inner_text() == "۱۰ آذر ۱۴۰۵، ۱۱:۳۰"
    tab.shot("fa-desktop-receipt")
    page.go_back()
    tab.submit("#cancel-intake")                      # an operator asks a supervisor
    assert page.locator("#e-reason").inner_text() == "دلیل لغو را از فهرست انتخاب کنید."
    page.select_option("#f-reason", "citizen_withdrew")
    tab.submit("#cancel-intake")
    assert page.url.endswith("done=cancel_requested")
    assert "متقاضی منصرف شد" in page.locator("#cancel-pending").inner_text()
    assert "دریافت‌شده" in page.locator(".page-head").inner_text()
    tab.submit("#logout")
    assert page.url == portal.url + "/login"
    page.goto(portal.url + "/")
    assert page.url.startswith(portal.url + "/login")


def test_an_operators_cancellation_is_approved_by_the_supervisor(tab, portal):
    page = tab.login("operator")
    tab.go("/intakes/new?service=HEALTH-INS")
    for selector, text in (("#f-national_code", "0013542419"), ("#f-full_name", "زهرا احمدی"),
                           ("#f-mobile", "09121234567")):
        page.fill(selector, text)
    tab.submit("#submit-intake")
    code = page.locator("#tracking-code").inner_text().strip()
    page.select_option("#f-reason", "other")
    page.fill("#f-note", "مدارک همراه نبود")
    tab.submit("#cancel-intake")
    assert "مدارک همراه نبود" in page.locator("#cancel-pending").inner_text()
    tab.submit("#logout")

    tab.login("supervisor")
    tab.submit("nav >> text=لغوها")
    row = page.locator("#pending-cancellations tr", has_text=code)
    assert "مدارک همراه نبود" in row.inner_text() and "۴۵۰٬۰۰۰ ریال" in row.inner_text()
    tab.shot("fa-desktop-cancellations")
    row.locator("input[name=note]").fill("تأیید شد")
    with page.expect_navigation(wait_until="load"):
        row.locator("button", has_text="تأیید و لغو").click()
    assert page.url.endswith("done=approved")
    assert page.locator("#none-pending").is_visible()
    tab.go(f"/intakes/{code}")
    assert "لغوشده" in page.locator(".page-head").inner_text()
    assert "کارمزد برگشت خورد: ۴۵۰٬۰۰۰ ریال" in page.locator("#reversal").inner_text()


def test_checks_as_the_operator_types(tab):
    page = tab.login("operator")
    tab.go("/intakes/new?service=HEALTH-INS")
    page.type("#f-national_code", "0013542418")
    page.keyboard.press("Tab")
    assert "رقم کنترل" in page.locator("#e-national_code").inner_text()
    page.fill("#f-national_code", "")
    page.type("#f-national_code", "٠٠١٣٥٤٢٤١٩")       # Arabic-Indic digits
    assert page.locator("#e-national_code").inner_text() == ""
    page.type("#f-mobile", "0912")
    page.keyboard.press("Tab")
    assert page.locator("#e-mobile").inner_text() == "شمارهٔ همراه باید به شکل ۰۹xxxxxxxxx باشد."
    page.fill("#f-mobile", "۰۹۱۲۱۲۳۴۵۶۷")
    assert page.locator("#e-mobile").inner_text() == ""
    page.check("#pay-card")
    page.fill("#f-full_name", "علی")
    tab.submit("#submit-intake")                      # the server checks again
    assert "شمارهٔ پیگیری" in page.locator("#e-payment\\.reference").inner_text()
    assert page.evaluate("document.activeElement.id") == "f-payment.reference"
    assert page.locator("#f-national_code").input_value() == "٠٠١٣٥٤٢٤١٩"
    tab.shot("fa-desktop-intake-form-errors")


def test_a_double_click_on_record_makes_one_intake(browser, portal):
    """The record button stops a second press (tests/portal/test_counter_browser.py);
    without the script, the form's one-time token still makes one intake."""
    tab = Tab(browser, portal, javascript=False)
    page = tab.login("operator")
    tab.go("/intakes/new?service=HEALTH-INS")
    page.fill("#f-national_code", "۰۰۱۳۵۴۲۴۱۹")
    page.fill("#f-full_name", "زهرا احمدی")
    page.fill("#f-mobile", "۰۹۱۲۱۲۳۴۵۶۷")
    posted = lambda request: request.method == "POST"                       # noqa: E731
    button = page.locator("#submit-intake").bounding_box()
    # The writer is kept busy, so the second click comes while the first is on its way
    # (the mouse itself: Playwright's click would wait for the first page to load).
    with portal.box.store.write():
        for _ in range(2):
            with page.expect_request(posted):
                page.mouse.click(button["x"] + 5, button["y"] + 5)
    page.wait_for_url(re.compile(r".*/intakes/[0-9A-Z-]+\?done=saved"))
    assert tab.asked.count(portal.url + "/intakes/new") == 2   # the browser sent it twice
    Intake = portal.box.store.models.Intake
    deadline = time.monotonic() + 1.0        # the other submission may still be on its way
    while time.monotonic() < deadline:
        assert Intake.select().count() == 1
        time.sleep(0.05)
    assert page.locator("#tracking-code").inner_text().strip() == Intake.get().tracking_code
    tab.close()


def test_the_supervisor_closes_the_day_in_the_browser(tab, portal):
    _make_some_intakes(portal)
    page = tab.login("supervisor")
    tab.submit("text=بستن روز >> nth=0")
    assert page.locator("#day-state").inner_text() == "باز: جمع‌های جاری (X)"
    assert page.locator("#day-cash-expected").inner_text() == "۱٬۲۸۰٬۰۰۰ ریال"
    page.fill("#f-cash_counted", "۱٬۲۸۰٬۰۰۰")
    with page.expect_navigation():
        page.press("#f-cash_counted", "Enter")
    assert page.locator("#day-state").inner_text() == "بسته‌شده (Z)"
    assert page.locator("#day-difference").inner_text() == "۰ ریال"
    assert page.locator("#close-form").count() == 0
    tab.shot("fa-desktop-day-closed")


def test_wrong_password_shows_the_error(tab):
    page = tab.go("/login")
    page.fill("#f-username", "operator")
    page.fill("#f-password", "wrong password")
    tab.submit("button[type=submit]")
    assert page.locator("#login-error").inner_text() == "نام کاربری یا گذرواژه درست نیست."
    assert page.locator("#f-username").input_value() == "operator"
    tab.shot("fa-desktop-login-error")


def test_english_switch_is_remembered(tab, portal):
    page = tab.login("operator")
    tab.submit("button[name=lang][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Intakes today" in page.inner_text("body")
    tab.go("/intakes/new")
    assert "Find the service" in page.inner_text("body")
    tab.submit("button[name=lang][value=fa]")
    assert page.locator("html").get_attribute("dir") == "rtl"


def _make_some_intakes(portal):
    User = portal.box.store.models.User
    from edge.intake import IntakeRequest
    operator = User.get(User.username == "operator")
    people = [("0013542419", "زهرا احمدی", "HEALTH-INS", {}),
              ("0499370899", "محمد کریمی", "POST-PARCEL",
               {"postcode": "1234567890", "weight_grams": "750"}),
              ("0013542419", "زهرا احمدی", "BILL-PAY", {"bill_id": "1234567", "payment_id": "98"})]
    made = []
    for code, name, service, fields in people:
        made.append(portal.box.intakes.create(IntakeRequest(
            service_code=service, national_code=code, full_name=name, mobile="09121234567",
            fields=fields), operator))
    portal.box.intakes.change_status(made[0].tracking_code, "in_progress", operator)
    return made


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_main_pages_look_right(browser, portal, lang, screen):
    made = _make_some_intakes(portal)
    tab = Tab(browser, portal, DESKTOP if screen == "desktop" else PHONE)
    try:
        if lang == "en":
            tab.go("/login")
            tab.submit("button[name=lang][value=en]")
        tab.go("/login")
        tab.shot(f"{lang}-{screen}-login")
        page = tab.login("supervisor")
        pages = {"dashboard": "/", "choose": "/intakes/new?q=", "form":
                 "/intakes/new?service=POST-PARCEL",
                 "detail": f"/intakes/{made[1].tracking_code}",
                 "receipt": f"/intakes/{made[1].tracking_code}/receipt",
                 "search": "/intakes?national_code=0013542419", "users": "/users",
                 "reports": "/reports", "sync": "/sync", "hardware": "/hardware",
                 "not-found": "/no-such-page"}
        for name, path in pages.items():
            tab.go(path)
            assert page.locator("html").get_attribute("lang") == lang
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= page.viewport_size["width"], f"{name} scrolls sideways: {width}px"
            font = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert font.startswith('"Vazirmatn"') or font.startswith("Vazirmatn")
            tab.shot(f"{lang}-{screen}-{name}")
        assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    finally:
        tab.close()


# 80 mm paper at 96 CSS px to the inch, less the printer's margins (72 mm printable)
RECEIPT_PAPER = {"width": 272, "height": 900}

# Each line of the receipt: the label's and the value's widths, and how many
# lines the fee's text takes.
_RECEIPT_LAYOUT = """() => {
    const list = document.querySelector('.receipt dl');
    const fee = document.createRange();
    fee.selectNodeContents(document.querySelector('#receipt-fee'));
    return {list: list.getBoundingClientRect().width,
            values: [...list.querySelectorAll('dd')].map(dd => dd.getBoundingClientRect().width),
            feeLines: new Set([...fee.getClientRects()].map(r => Math.round(r.top))).size,
            scroll: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("paper", ["phone", "80mm-print"])
def test_the_browser_receipt_fits_a_phone_and_80mm_paper(browser, portal, paper):
    service = portal.box.store.models.Service
    long_label = "شمارهٔ گواهینامهٔ رانندگی پیشین یا شمارهٔ پروندهٔ راهنمایی و رانندگی"
    service.update(fields=[{"name": "licence_number", "label_fa": long_label,
                            "label_en": "Licence number", "digits": True}]) \
        .where(service.code == "DRIVING-RENEW").execute()
    tab = Tab(browser, portal, PHONE if paper == "phone" else RECEIPT_PAPER)
    try:
        page = tab.login("operator")
        tab.go("/intakes/new?service=DRIVING-RENEW")
        for selector, text in (("#f-national_code", "0013542419"),
                               ("#f-full_name", "غلامحسین عبدالرحیم‌زاده اصفهانی"),
                               ("#f-mobile", "09121234567"),
                               ('[name="fields.licence_number"]', "9876543210")):
            page.fill(selector, text)
        page.check("#pay-card")
        page.fill('[name="payment.reference"]', "123456789012")
        page.fill('[name="payment.card_last4"]', "4321")
        tab.submit("#submit-intake")
        tab.submit("#receipt-link")
        if paper != "phone":
            page.emulate_media(media="print")
        layout = page.evaluate(_RECEIPT_LAYOUT)
        width = page.viewport_size["width"]
        assert layout["scroll"] <= width, f"the receipt scrolls sideways at {width}px"
        assert min(layout["values"]) >= 0.45 * layout["list"], layout   # no squeezed values
        assert layout["feeLines"] == 1, "the amount broke across lines"
        tab.shot(f"fa-{paper}-receipt-fit")
    finally:
        tab.close()


def test_the_pages_checks_mirror_the_boxs_rules(tab):
    """The same answers as edge.nationalcode and edge.phone, for many inputs."""
    import random

    from edge import nationalcode, phone
    from edge.errors import InvalidInput
    from edge.nationalcode import check_digit

    chance = random.Random(1405)
    digits_of = ["0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"]

    def spelled(text: str) -> str:
        table = chance.choice(digits_of)
        return "".join(table[int(c)] if c.isdigit() else c for c in text)

    codes = []
    for _ in range(150):
        nine = "".join(chance.choice("0123456789") for _ in range(9))
        good = nine + str(check_digit(nine))
        codes += [spelled(good), spelled(nine + str((check_digit(nine) + 1) % 10)),
                  spelled(good.lstrip("0") or "0"), spelled(good[:5] + "-" + good[5:])]
    codes += ["1111111111", "12345", "abcdefghij", "00135424190", " 0013542419 "]
    mobiles = []
    for _ in range(150):
        rest = "".join(chance.choice("0123456789") for _ in range(9))
        prefix = chance.choice(["09", "+989", "00989", "989", "9", "08", "+98 9", "0"])
        mobiles.append(spelled(prefix + rest[:chance.choice([8, 9, 10])]))
    page = tab.go("/login")
    js = page.evaluate("""([codes, mobiles]) => [
        codes.map(c => window.pishkhanRules.nationalCodeProblem(c) === ""),
        mobiles.map(m => window.pishkhanRules.mobileOk(m))]""", [codes, mobiles])

    def box_says(rule, value) -> bool:
        try:
            rule(value)
        except InvalidInput:
            return False
        return True

    assert js[0] == [box_says(nationalcode.validate, code) for code in codes]
    assert js[1] == [box_says(phone.normalize_mobile, number) for number in mobiles]
    assert 50 < sum(js[0]) < len(codes) and 20 < sum(js[1]) < len(mobiles)


def test_hardware_page_has_no_latin_letters_outside_ports_urls_and_names(tab, portal):
    from tests.portal.test_users_and_status_pages import devices_as_they_report
    portal.box.fit(devices_as_they_report(portal.box))
    tab.login("technician")
    page = tab.go("/hardware")
    page.locator("details").evaluate_all("all => all.forEach(one => one.open = true)")
    assert page.locator("text=برق شهر").is_visible()          # the details are unfolded
    isolated = page.locator('main bdi[dir="ltr"]').all_inner_texts()
    assert "/dev/pts/1" in isolated and "(-۷۱ dBm)" in isolated
    shown = page.locator("main").evaluate(
        "main => { const copy = main.cloneNode(true);"
        " copy.querySelectorAll('bdi[dir=ltr]').forEach(one => one.remove());"
        " document.body.appendChild(copy); const text = copy.innerText; copy.remove();"
        " return text; }")
    latin = set(re.findall(r"[A-Za-z]{2,}", shown)) - {"GSM"}    # the modem's standard
    assert not latin, latin
    tab.shot("hardware-fa")


def test_the_citizens_rating_screen_on_a_phone_by_touch(browser, portal):
    from tests.portal.conftest import logged_in, make_intake
    counter = logged_in(portal, "operator")              # the operator's own screen
    code = make_intake(counter)
    tablet = Tab(browser, portal, viewport=PHONE, touch=True)
    try:
        tablet.login("operator")
        page = tablet.go("/rate")
        with page.expect_navigation():
            page.tap("#start-rating-screen")
        assert page.url.endswith("/rate/screen") and page.locator("#rate-waiting").is_visible()
        assert page.locator("a").count() == 0             # nowhere to go from here
        counter.post(f"/intakes/{code}/status", {"status": "in_progress"})
        counter.post(f"/intakes/{code}/status", {"status": "done"})
        page.wait_for_selector("#rate-question")          # the waiting page reloads itself
        assert page.locator("#rate-question").inner_text() == "خدمتی که دریافت کردید چگونه بود؟"
        faces = page.locator(".rate-face")
        assert faces.count() == 5 and faces.nth(0).inner_text().endswith("خیلی بد")
        assert all(faces.nth(i).bounding_box()["height"] >= 44 for i in range(5))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        tablet.shot("fa-phone-rating-screen")
        with page.expect_navigation():
            page.tap("#service-4")
        assert page.locator("#rate-question").inner_text() == "برخورد همکاران ما با شما چگونه بود؟"
        with page.expect_navigation():
            page.tap("#staff-5")
        assert page.locator("#rate-thanks").is_visible()
        intake = portal.box.intakes.get(code)
        rating = portal.box.ratings.of(intake)
        assert (rating.service, rating.staff, rating.channel) == (4, 5, "counter")
        page.wait_for_selector("#rate-waiting")           # and waits for the next citizen
        for elsewhere in ("/", "/intakes/new", f"/intakes/{code}"):
            tablet.go(elsewhere)
            assert "/login" in page.url                   # the tablet is logged out
    finally:
        tablet.close()
