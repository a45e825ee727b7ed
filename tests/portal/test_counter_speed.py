"""Faster hands at the counter, on the real server: a citizen the box has seen
(never through a confidential intake), the search by name whatever the
keyboard typed, a whole tracking code opening its intake, and a form sent
after the login ran out going to the login page and back to the form."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.portal.conftest import logged_in, make_intake

CITIZEN = "0499370899"


def lookup(client, national_code: str):
    client.get("/intakes/new?service=HEALTH-INS")
    return client.post("/intakes/citizen", {"national_code": national_code})


def test_a_national_code_seen_gives_the_last_name_and_mobile(operator_client):
    assert lookup(operator_client, CITIZEN).json() == {"found": False}
    make_intake(operator_client, national_code=CITIZEN, full_name="مریم کاظمی",
                mobile="09351112233")
    make_intake(operator_client, national_code=CITIZEN, full_name="مریم کاظمی‌نژاد",
                mobile="۰۹۳۵۱۱۱۲۲۴۴")
    answer = lookup(operator_client, "۰۴۹۹۳۷۰۸۹۹")     # Persian digits as typed
    assert answer.status_code == 200
    assert answer.json() == {"found": True, "full_name": "مریم کاظمی‌نژاد",
                             "mobile": "09351112244"}


def test_a_confidential_intake_never_fills_a_form(operator_client):
    make_intake(operator_client, service_code="SANA-REG", national_code=CITIZEN,
                full_name="پنهان پنهانی")
    assert lookup(operator_client, CITIZEN).json() == {"found": False}


def test_a_bad_national_code_is_said_in_persian(operator_client):
    answer = lookup(operator_client, "123")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "کد ملی باید ۱۰ رقم باشد."


def test_the_lookup_needs_a_login_and_the_form_token(portal, operator_client):
    operator_client.get("/intakes/new?service=HEALTH-INS")
    forged = operator_client.post("/intakes/citizen", {"national_code": CITIZEN,
                                                       "csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400 and "json" not in forged.headers["Content-Type"]
    technician = logged_in(portal, "technician")
    technician.get("/")
    assert technician.post("/intakes/citizen", {"national_code": CITIZEN}).status_code == 403


def found_by_name(client, typed: str) -> str:
    return client.get("/intakes", params={"name": typed}).text


def test_search_by_name_ignores_ye_kaf_and_half_spaces(operator_client):
    code = make_intake(operator_client, full_name="علی‌رضا کریمی")   # Persian ی, ک and a ZWNJ
    other = make_intake(operator_client, national_code=CITIZEN, full_name="زهرا احمدی")
    hidden = make_intake(operator_client, service_code="SANA-REG", national_code=CITIZEN,
                         full_name="علیرضا کریمی")
    for typed in ("عليرضا كريمي", "علی رضا", "علیرضا", "كريمي علي", "  كَريمي "):
        page = found_by_name(operator_client, typed)
        assert code in page and other not in page and hidden not in page, typed
    assert code not in found_by_name(operator_client, "علی محمدی")


def test_a_whole_tracking_code_opens_its_intake(operator_client):
    code = make_intake(operator_client)
    typed = code.lower().replace("-", " ")
    response = operator_client.get("/intakes", params={"tracking_code": typed})
    assert response.status_code == 303 and response.headers["Location"] == f"/intakes/{code}"
    wrong = operator_client.get("/intakes", params={"tracking_code": code[:-1] + "0"})
    assert wrong.status_code == 200 and "کد رهگیری" in wrong.text


def test_a_form_sent_after_the_login_ran_out_goes_to_the_login_and_back(portal, operator_client):
    operator_client.get("/intakes/new?service=HEALTH-INS")
    form_page = operator_client.session.get(portal.url + "/intakes/new?service=HEALTH-INS").text
    assert 'name="return_to" value="/intakes/new?service=HEALTH-INS&amp;restore=1"' in form_page
    portal.clock.advance(minutes=portal.box.settings["session.idle_minutes"] + 1)
    sent = operator_client.post("/intakes/new", {
        "service_code": "HEALTH-INS", "national_code": CITIZEN, "full_name": "مریم کاظمی",
        "mobile": "09351112233", "payment.method": "cash",
        "return_to": "/intakes/new?service=HEALTH-INS&restore=1"})
    assert sent.status_code == 303
    target = urlsplit(sent.headers["Location"])
    assert target.path == "/login"
    asked = parse_qs(target.query)
    assert asked["expired"] == ["1"]
    assert asked["next"] == ["/intakes/new?service=HEALTH-INS&restore=1"]
    assert portal.box.store.models.Intake.select().count() == 0
    assert "پس از مدتی بی‌کاری" in operator_client.get(sent.headers["Location"]).text
    back = operator_client.post("/login", {"username": "operator",
                                           "password": portal.passwords["operator"],
                                           "next": asked["next"][0]})
    assert back.headers["Location"] == "/intakes/new?service=HEALTH-INS&restore=1"


def test_a_foreign_return_address_is_not_followed(portal, operator_client):
    operator_client.get("/")
    portal.clock.advance(minutes=portal.box.settings["session.idle_minutes"] + 1)
    sent = operator_client.post("/intakes/new", {"return_to": "//evil.example/"})
    assert sent.status_code == 303
    assert parse_qs(urlsplit(sent.headers["Location"]).query).get("next") is None
