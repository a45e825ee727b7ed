"""The JSON API against the real waitress server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.server import BoxServer
from edge.models import INTAKE_STATUSES
from edge.storage import MB, DiskReserve
from tests.conftest import PASSWORD, intake_body, login, make_user
from tests.helpers import EDGE, free_port, wait_healthy
from web import create_app

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    if field:
        assert error["field"] == field
    return error


def test_health_needs_no_login(server):
    response = requests.get(server.url + "/api/v1/health", timeout=5)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_login_gives_token_and_wrong_password_is_refused_in_persian(server, operator):
    wrong = requests.post(server.url + "/api/v1/tokens",
                          json={"username": "ali", "password": "not it"}, timeout=5)
    error = assert_error(wrong, 401, "auth.bad_credentials")
    assert error["message"] == "نام کاربری یا گذرواژه درست نیست."
    unknown = requests.post(server.url + "/api/v1/tokens",
                            json={"username": "nobody", "password": "x"}, timeout=5)
    assert_error(unknown, 401, "auth.bad_credentials")
    assert login(server.url, "ali").get("/api/v1/services").status_code == 200


def test_delete_tokens_revokes_the_callers_own_token(server, operator):
    leaving, staying = login(server.url, "ali"), login(server.url, "ali")
    response = leaving.session.delete(server.url + "/api/v1/tokens", timeout=5)
    assert response.status_code == 204
    assert_error(leaving.get("/api/v1/services"), 401, "auth.required")
    assert_error(leaving.session.delete(server.url + "/api/v1/tokens", timeout=5),
                 401, "auth.required")
    assert staying.get("/api/v1/services").status_code == 200


def test_catalogue_has_fees_in_force(api):
    services = {s["code"]: s for s in api.get("/api/v1/services").json()["services"]}
    assert services["HEALTH-INS"]["fee_rials"] == 450_000
    assert services["POST-PARCEL"]["fields"][0]["name"] == "postcode"


def test_intake_round_trip(api, server, box):
    made = api.post("/api/v1/intakes", json=intake_body(mobile="۰۹۱۲۱۲۳۴۵۶۷"))
    assert made.status_code == 201, made.text
    intake = made.json()
    assert intake["fee_rials"] == 450_000 and intake["mobile"] == "+989121234567"
    code = intake["tracking_code"]
    fetched = api.get(f"/api/v1/intakes/{code.lower()}").json()
    assert fetched["tracking_code"] == code and fetched["history"][0]["to"] == "received"
    assert api.get("/api/v1/intakes", params={"national_code": "0013542419"}).json()["total"] == 1
    progressed = api.post(f"/api/v1/intakes/{code}/status", json={"status": "in_progress"})
    assert progressed.json()["status"] == "in_progress"
    no_cancelling = api.post(f"/api/v1/intakes/{code}/status", json={"status": "cancelled"})
    assert_error(no_cancelling, 400, "field.choice", "status")
    make_user(box, "maryam", "supervisor")
    cancelled = login(server.url, "maryam").post(f"/api/v1/intakes/{code}/cancel",
                                                 json={"reason": "citizen_withdrew"})
    assert [h["to"] for h in cancelled.json()["history"]] == ["received", "in_progress", "cancelled"]
    again = api.post(f"/api/v1/intakes/{code}/status", json={"status": "done"})
    assert_error(again, 409, "intake.bad_transition")


def test_a_card_payment_reconciles_by_its_rrn(api):
    card = {"method": "card", "reference": "۱۲۳۴۵۶۷۸۹۰۱۲", "card_last4": "۶۰۳۷"}
    made = api.post("/api/v1/intakes", json=intake_body(payment=card))
    assert made.status_code == 201, made.text
    assert made.json()["payment"] == {"method": "card", "reference": "123456789012",
                                      "card_last4": "6037"}
    fetched = api.get(f"/api/v1/intakes/{made.json()['tracking_code']}").json()
    assert fetched["payment"]["card_last4"] == "6037"
    again = api.post("/api/v1/intakes", json=intake_body(payment=card))
    error = assert_error(again, 400, "payment.rrn_repeated", "payment.reference")
    assert made.json()["tracking_code"] in error["message"]


@pytest.mark.parametrize("body, status, code, field", [
    (intake_body(fee_rials=1), 400, "field.unknown", "fee_rials"),
    (intake_body(national_code="0013542418"), 400, "national_code.checksum", "national_code"),
    (intake_body(mobile="021-1234"), 400, "mobile.invalid", "mobile"),
    (intake_body(service_code="NOT-A-SERVICE"), 400, "service.unknown", "service_code"),
    (intake_body(full_name="ن" * 101), 400, "field.too_long", "full_name"),
    (intake_body(full_name=7), 400, "field.type", "full_name"),
    (intake_body(full_name="زهرا\x00 احمدی"), 400, "field.control", "full_name"),
    (intake_body(full_name="\u202eیدمحا ارهز"), 400, "field.control", "full_name"),
    (intake_body(full_name="زهرا\x85"), 400, "field.control", "full_name"),
    (intake_body(location="روستای\u2066 بالا"), 400, "field.control", "location"),
    (intake_body(payment={"method": "cash", "reference": "12\x1b34"}), 400, "field.control",
     "payment.reference"),
    (intake_body(payment={"method": "cheque"}), 400, "field.choice", "payment.method"),
    (intake_body(payment={"method": "card"}), 400, "payment.reference_required",
     "payment.reference"),
    (intake_body(payment={"method": "card", "reference": "RRN-5521", "card_last4": "6037"}),
     400, "payment.rrn_format", "payment.reference"),
    (intake_body(payment={"method": "card", "reference": "123456789012"}), 400,
     "payment.card_last4_format", "payment.card_last4"),
    ({k: v for k, v in intake_body().items() if k != "mobile"}, 400, "field.required", "mobile"),
    ([intake_body()], 400, "body.not_object", None),
])
def test_bad_intake_gets_4xx_and_writes_nothing(api, server, body, status, code, field):
    Intake = server.box.store.models.Intake
    before = Intake.select().count()
    assert_error(api.post("/api/v1/intakes", json=body), status, code, field)
    assert Intake.select().count() == before


def test_not_json_too_large_unknown_route_and_method(api):
    assert_error(api.post("/api/v1/intakes", data=b"{not json"), 400, "body.not_json")
    assert_error(api.post("/api/v1/intakes", data=b"\xff\xfe"), 400, "body.not_json")
    assert_error(api.post("/api/v1/intakes", data=b"x" * 70_000), 413, "body.too_large")
    assert_error(api.get("/api/v1/nothing-here"), 404, "route.not_found")
    wrong_method = api.session.delete(api.base + "/api/v1/intakes")
    assert_error(wrong_method, 405, "method.not_allowed")
    assert wrong_method.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert_error(api.get("/api/v1/intakes/XXXX"), 400, "tracking.invalid")
    assert_error(api.get("/api/v1/intakes", params={"page": "0"}), 400, "field.range", "page")
    assert_error(api.get("/api/v1/intakes", params={"page": "²"}), 400, "field.range", "page")
    not_a_date = assert_error(api.get("/api/v1/intakes", params={"from": "tomorrow"}), 400,
                              "field.jalali_date", "from")
    assert "تاریخ شمسی" in not_a_date["message"]
    assert_error(api.get("/api/v1/intakes", params={"to": "05/09/10"}), 400,
                 "field.jalali_date", "to")
    assert_error(api.get("/api/v1/intakes", params={"status": "AAA"}), 400, "field.choice",
                 "status")
    assert api.get("/api/v1/intakes", params={"status": "done"}).status_code == 200


def test_error_language_follows_the_request(server, operator):
    english = login(server.url, "ali", lang="en")
    error = assert_error(english.post("/api/v1/intakes", json=intake_body(mobile="1")), 400,
                         "mobile.invalid")
    assert error["message"] == "A mobile number looks like 09xxxxxxxxx."
    persian = login(server.url, "ali")
    error = assert_error(persian.post("/api/v1/intakes?lang=fa", json=intake_body(mobile="1")),
                         400, "mobile.invalid")
    assert error["message"].startswith("شمارهٔ همراه")


def test_roles_and_login_are_enforced(server, box):
    make_user(box, "tech", "technician")
    anonymous = requests.get(server.url + "/api/v1/intakes", timeout=5)
    assert_error(anonymous, 401, "auth.required")
    bogus = requests.get(server.url + "/api/v1/services", timeout=5,
                         headers={"Authorization": "Bearer not-a-token"})
    assert_error(bogus, 401, "auth.required")
    technician = login(server.url, "tech")
    assert technician.get("/api/v1/services").status_code == 200
    assert technician.get("/api/v1/sync").status_code == 200
    assert_error(technician.get("/api/v1/intakes"), 403, "auth.forbidden")
    assert_error(technician.post("/api/v1/intakes", json=intake_body()), 403, "auth.forbidden")


def test_openapi_describes_every_route(server):
    document = requests.get(server.url + "/api/v1/openapi.json", timeout=5).json()
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in server.app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_openapi_states_the_limits_the_server_enforces(api, server):
    document = requests.get(server.url + "/api/v1/openapi.json", timeout=5).json()
    search = {parameter["name"]: parameter["schema"]
              for parameter in document["paths"]["/api/v1/intakes"]["get"]["parameters"]}
    assert search["page"]["minimum"] == 1 and search["per_page"]["maximum"] == 100
    assert search["status"]["enum"] == list(INTAKE_STATUSES)
    pattern = re.compile(search["tracking_code"]["pattern"])
    assert pattern.match("K7Q2-MX04-F7") and not pattern.match("K7Q2;MX04")
    assert_error(api.get("/api/v1/intakes", params={"per_page": "101"}), 400, "field.range",
                 "per_page")
    assert re.match(search["from"]["pattern"], "۱۴۰۵/۰۹/۱۰")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12),
                                                                      children, max_size=4),
    max_leaves=12)


@FUZZ
@given(key=st.sampled_from(list(intake_body()) + ["fields", "location", "extra"]),
       value=json_values, drop=st.booleans())
def test_fuzzed_intakes_never_500_and_never_half_write(api, server, key, value, drop):
    Intake = server.box.store.models.Intake
    body = intake_body()
    if drop:
        body.pop(key, None)
    else:
        body[key] = value
    before = Intake.select().count()
    response = api.post("/api/v1/intakes", json=body)
    assert response.status_code in (201, 400, 403, 409), response.text
    if response.status_code == 201:
        assert Intake.select().count() == before + 1
    else:
        assert set(response.json()["error"]) <= {"code", "message", "field"}
        assert Intake.select().count() == before


@FUZZ
@given(raw=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_bodies_get_a_json_4xx(api, server, raw):
    Intake = server.box.store.models.Intake
    before = Intake.select().count()
    response = api.post("/api/v1/intakes", data=raw)
    assert 400 <= response.status_code < 500, response.text
    assert "code" in response.json()["error"]
    assert Intake.select().count() == before


def test_edge_run_serves_health_and_stops_cleanly_on_sigterm(tmp_path):
    home = tmp_path / "box"
    env = {**os.environ, "EDGE_HOME": str(home)}
    subprocess.run([EDGE, "init"], env=env, check=True, capture_output=True, timeout=60)
    port = free_port()
    process = subprocess.Popen([EDGE, "run", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    health = f"http://127.0.0.1:{port}/api/v1/health"
    try:
        wait_healthy(health, process, timeout=20, interval=0.05)
        assert requests.get(health, timeout=5).json()["status"] == "ok"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert f"serving on http://127.0.0.1:{port}" in out


def test_box_language_setting_is_the_default_for_messages(box, operator):
    box.settings = box.settings.replace(language="en")
    appliance = BoxServer(box, "127.0.0.1", 0, threads=2)
    appliance.start()
    try:
        client = login(appliance.url, "ali")
        error = assert_error(client.post("/api/v1/intakes", json=intake_body(mobile="1")), 400,
                             "mobile.invalid")
        assert error["message"] == "A mobile number looks like 09xxxxxxxxx."
    finally:
        appliance.close_server()


@pytest.mark.parametrize("raw", [b"[" * 5000 + b"]" * 5000,
                                 b'{"service_code": "\\ud800"}',
                                 b'{"\\udfff": 1}'])
def test_bodies_json_cannot_store_are_refused_as_not_json(api, raw):
    assert_error(api.post("/api/v1/intakes", data=raw), 400, "body.not_json")
    assert_error(api.post("/api/v1/tokens", data=raw), 400, "body.not_json")


def test_password_guessing_through_the_api_is_slowed(server, operator):
    def attempt(password: str):
        return requests.post(server.url + "/api/v1/tokens", timeout=5,
                             json={"username": "ali", "password": password})

    for _ in range(3):
        assert_error(attempt("wrong guess"), 401, "auth.bad_credentials")
    error = assert_error(attempt("wrong guess"), 429, "auth.throttled")
    assert "ثانیه صبر کنید" in error["message"]
    assert_error(attempt("correct horse 1"), 429, "auth.throttled")   # even the right one waits
    for _ in range(15):
        attempt("wrong guess")
    failures = server.box.store.models.LoginFailure
    assert failures.get(failures.key == "user ali 127.0.0.1").count == 20   # every one counted


def test_intakes_below_the_disk_reserve_are_refused_naming_the_cause(server, api):
    server.box.intakes.reserve = DiskReserve(server.box.home, 50, measure=lambda _: 10 * MB)
    Intake = server.box.store.models.Intake
    error = assert_error(api.post("/api/v1/intakes", json=intake_body()), 507, "disk.reserve")
    assert "دیسک" in error["message"] and "ذخیره" in error["message"]
    assert Intake.select().count() == 0
    again = login(server.url, "ali")                          # logging in still works
    assert again.get("/api/v1/intakes").json()["total"] == 0  # and reading


def test_a_full_database_is_a_clear_refusal_not_a_500(box, operator):
    client = create_app(box).test_client()
    token = client.post("/api/v1/tokens", json={"username": "ali", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    pages = box.store.db.execute_sql("PRAGMA page_count").fetchone()[0]
    box.store.db.pragma("max_page_count", pages, permanent=True)   # SQLite's SQLITE_FULL
    body = {**intake_body(), "fields": {}, "location": "x" * 100}
    for _ in range(30):
        refused = client.post("/api/v1/intakes", json=body, headers=headers)
        if refused.status_code != 201:
            break
    assert refused.status_code == 507, refused.get_data(as_text=True)
    assert refused.get_json()["error"]["code"] == "disk.full"
    assert "دیسک دستگاه پر است" in refused.get_json()["error"]["message"]
    assert client.get("/api/v1/intakes", headers=headers).status_code == 200


def test_an_intake_shows_the_texts_sent_about_it(api, server):
    from hardware.modem.citizen import OPTED_OUT
    from tests.modem import fit_modem
    part = fit_modem(server.box)
    code = api.post("/api/v1/intakes", json=intake_body()).json()["tracking_code"]
    assert api.post(f"/api/v1/intakes/{code}/status", json={"status": "in_progress"}).ok
    done = api.post(f"/api/v1/intakes/{code}/status", json={"status": "done"}).json()
    assert [(sms["kind"], sms["state"]) for sms in done["sms"]] == [
        ("tracking_code", "queued"), ("done", "queued")]
    part.outbox.withdraw("+989121234567", OPTED_OUT)
    shown = api.get(f"/api/v1/intakes/{code}").json()["sms"]
    assert {sms["state"] for sms in shown} == {"failed"}
    assert shown[0]["reason"] == "شهروند با «۱۱» پیامک‌ها را لغو کرده است"
    assert set(shown[0]) == {"kind", "state", "at", "reason"}


def test_a_box_without_a_modem_lists_no_texts(api):
    code = api.post("/api/v1/intakes", json=intake_body()).json()["tracking_code"]
    shown = api.get(f"/api/v1/intakes/{code}").json()
    assert (shown["sms"], shown["rating"]) == ([], None)


def test_an_operators_cancellation_waits_for_a_supervisors_approval(api, server, box):
    code = api.post("/api/v1/intakes", json=intake_body()).json()["tracking_code"]
    wrong = api.post(f"/api/v1/intakes/{code}/cancel", json={"reason": "bored"})
    assert_error(wrong, 400, "field.choice", "reason")
    wordless = api.post(f"/api/v1/intakes/{code}/cancel", json={"reason": "other"})
    assert_error(wordless, 400, "cancellation.note_required", "note")
    asked = api.post(f"/api/v1/intakes/{code}/cancel",
                     json={"reason": "other", "note": "مدارک ناقص"})
    assert asked.status_code == 202, asked.text
    assert asked.json()["status"] == "received" and asked.json()["reversal"] is None
    request = asked.json()["cancellation"]
    assert (request["state"], request["reason"], request["requested_by"]) == \
        ("pending", "other", "ali")
    again = api.post(f"/api/v1/intakes/{code}/cancel", json={"reason": "duplicate"})
    assert_error(again, 409, "cancellation.already_requested")
    assert api.get("/api/v1/cancellations").status_code == 403
    assert api.post(f"/api/v1/cancellations/{request['id']}/approve", json={}).status_code == 403

    make_user(box, "maryam", "supervisor")
    supervisor = login(server.url, "maryam")
    waiting = supervisor.get("/api/v1/cancellations").json()["cancellations"]
    assert [item["tracking_code"] for item in waiting] == [code]
    approved = supervisor.post(f"/api/v1/cancellations/{request['id']}/approve",
                               json={"note": "تأیید"})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "cancelled" and body["cancellation"]["state"] == "approved"
    assert body["reversal"]["amount_rials"] == 450_000
    assert body["reversal"]["approved_by"] == "maryam"
    decided = supervisor.post(f"/api/v1/cancellations/{request['id']}/refuse", json={})
    assert_error(decided, 409, "cancellation.decided")
    assert_error(supervisor.post("/api/v1/cancellations/999/refuse", json={}), 404,
                 "cancellation.not_found", "id")
    assert supervisor.get("/api/v1/cancellations").json()["cancellations"] == []


def test_a_refused_cancellation_leaves_the_intake_as_it_was(api, server, box):
    code = api.post("/api/v1/intakes", json=intake_body()).json()["tracking_code"]
    request = api.post(f"/api/v1/intakes/{code}/cancel",
                       json={"reason": "duplicate"}).json()["cancellation"]
    make_user(box, "maryam", "supervisor")
    refused = login(server.url, "maryam", lang="en").post(
        f"/api/v1/cancellations/{request['id']}/refuse", json={"note": "not a duplicate"})
    assert refused.status_code == 200
    body = refused.json()
    assert body["status"] == "received" and body["reversal"] is None
    assert (body["cancellation"]["state"], body["cancellation"]["decision_note"]) == \
        ("refused", "not a duplicate")
