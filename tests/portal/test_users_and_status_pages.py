"""Supervisors manage users; /sync and /hardware say in words what is going on;
errors are pages in the portal's look, never a traceback."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from edge.i18n import phrase
from edge.parts import Parts
from hardware.printer.queue import STATE_NAMES
from sync_agent.report import ERRORS
from tests.portal.conftest import Browserish, field_error, input_value, logged_in, make_intake
from web import create_app


def test_supervisor_adds_a_user_who_can_then_log_in(portal, supervisor_client):
    AuditEntry = portal.box.store.models.AuditEntry
    supervisor_client.get("/users")
    response = supervisor_client.post("/users", {
        "username": "Maryam", "full_name": "مریم رحیمی", "role": "operator",
        "password": "counter-pass-1"})
    assert response.status_code == 303
    listing = supervisor_client.get(response.headers["Location"]).text
    assert "کاربر افزوده شد" in listing and "مریم رحیمی" in listing
    assert Browserish(portal.url).login("maryam", "counter-pass-1").status_code == 303
    assert AuditEntry.select().where(AuditEntry.action == "user.added",
                                     AuditEntry.actor == "supervisor").count() == 1


def test_adding_a_user_with_mistakes_keeps_the_input(portal, supervisor_client):
    supervisor_client.get("/users")
    weak = supervisor_client.post("/users", {"username": "maryam", "full_name": "مریم",
                                             "role": "operator", "password": "short"})
    assert weak.status_code == 400
    assert field_error(weak.text, "password") == "گذرواژه باید دست‌کم ۸ نویسه باشد."
    assert input_value(weak.text, "username") == "maryam"
    assert 'value="short"' not in weak.text                 # a password is never echoed
    taken = supervisor_client.post("/users", {"username": "operator", "full_name": "x",
                                              "role": "operator", "password": "long-enough-1"})
    assert taken.status_code == 409
    assert field_error(taken.text, "username") == "کاربری با این نام وجود دارد."


def test_deactivate_reactivate_and_reset_password(portal, supervisor_client):
    User = portal.box.store.models.User
    supervisor_client.get("/users/operator")
    supervisor_client.post("/users/operator/active", {"active": "0"})
    assert not User.get(User.username == "operator").active
    assert "غیرفعال" in supervisor_client.get("/users/operator").text
    supervisor_client.post("/users/operator/active", {"active": "1"})
    short = supervisor_client.post("/users/operator/password", {"password": "1234"})
    assert short.status_code == 400
    assert supervisor_client.post("/users/operator/password",
                                  {"password": "a-new-password"}).status_code == 303
    assert Browserish(portal.url).login("operator", "a-new-password").status_code == 303
    refused = supervisor_client.post("/users/supervisor/active", {"active": "0"})
    assert refused.status_code == 409 and User.get(User.username == "supervisor").active


def test_bind_a_card_uid(portal, supervisor_client):
    User = portal.box.store.models.User
    supervisor_client.get("/users/operator")
    assert supervisor_client.post("/users/operator/card",
                                  {"card_uid": "04:a2:3b:9c"}).status_code == 303
    assert User.get(User.username == "operator").card_uid == "04A23B9C"
    supervisor_client.get("/users/technician")
    duplicate = supervisor_client.post("/users/technician/card", {"card_uid": "04 A2 3B 9C"})
    assert duplicate.status_code == 409 and "فقط به یک کاربر" in duplicate.text
    bad = supervisor_client.post("/users/technician/card", {"card_uid": "not hex!"})
    assert bad.status_code == 400 and User.get(User.username == "technician").card_uid is None
    supervisor_client.post("/users/operator/card", {"card_uid": ""})
    assert User.get(User.username == "operator").card_uid is None


def test_sync_and_hardware_say_what_is_not_configured(portal):
    technician = logged_in(portal, "technician")
    sync = technician.get("/sync").text
    assert 'id="sync-not-configured"' in sync and "رویدادهای در انتظار ارسال" in sync
    hardware = technician.get("/hardware").text
    assert 'id="hardware-not-configured"' in hardware
    assert 'id="sync-now"' not in sync
    refused = technician.post("/sync/now")
    assert refused.status_code == 409 and "عامل همگام‌سازی" in refused.text
    assert "چیزی در انتظار نیست" in sync                  # setting up the office is not queued
    make_intake(logged_in(portal, "operator"))
    assert "کمتر از یک دقیقه" in technician.get("/sync").text
    portal.clock.advance(hours=2)
    later = logged_in(portal, "technician").get("/sync").text
    assert "۲ ساعت" in later and "<dd>۱</dd>" in later


def reporting(sync: dict | None = None, devices: dict | None = None) -> Parts:
    """Parts that report what a test says (the sync agent's and the devices' reports)."""
    return Parts(sync=SimpleNamespace(status=lambda: sync, wake=lambda: None) if sync else None,
                 devices=SimpleNamespace(statuses=lambda: devices) if devices else None)


def test_sync_and_hardware_show_what_the_box_reports(portal):
    portal.box.fit(reporting(sync={"state": "وصل از راه مودم", "queue_depth": 3,
                                   "oldest_unsent_age_seconds": 7200, "enrolled": True,
                                   "last_success": None, "kept_records": 5,
                                   "pulled_seq": 12}, devices={
        "printer": {"device": "printer", "state": "ready", "state_code": "ready",
                    "state_words": phrase(STATE_NAMES["ready"]), "paper": "کم",
                    "queue": {"waiting": 2, "last": {"job": "SMYG-PX00-3W"}}},
        "modem": {"signal": "۳ از ۵", "numbers": ["+989121234567", "+989351112233"]},
        "card": {"device": "card", "state": "unknown", "ok": False,
                 "words": {"en": "reader state unknown", "fa": "وضعیت کارت‌خوان نامعلوم است"}}}))
    technician = logged_in(portal, "technician")
    sync = technician.get("/sync").text
    assert "sync-not-configured" not in sync
    for words in ("وصل از راه مودم", "۳", "۲ ساعت", "بله", "هرگز",
                  "که تا برداشتِ سامانهٔ مرکزی نگه داشته می‌شوند</dt>", "<dd>۵</dd>"):
        assert words in sync
    assert "pulled_seq" not in sync and "۱۲" not in sync
    hardware = technician.get("/hardware").text
    for words in ("چاپگر رسید", "آماده", "کاغذ", "کم", "مودم GSM", "۳ از ۵", "<dd>۲</dd>",
                  "SMYG-PX00-3W", "+989121234567، +989351112233", "وضعیت کارت‌خوان نامعلوم است",
                  "device-problem"):
        assert words in hardware
    assert "ready" not in hardware and "state_code" not in hardware.lower()
    assert "reader state unknown" not in hardware
    home = technician.get("/").text
    assert "ارتباط: وصل از راه مودم" in home and "۳ رویداد در صف" in home and "آماده" in home


def test_old_queue_and_inactive_licence_are_alerts_on_the_dashboard(portal, operator_client):
    Office = portal.box.store.models.Office
    portal.box.fit(reporting(sync={"queue_depth": 9, "oldest_unsent_age_seconds": 2 * 86400}))
    Office.update(licence_status="suspended").execute()
    html = operator_client.get("/").text
    assert "بیش از یک روز" in html and "پروانهٔ این دفتر تعلیق‌شده است" in html
    from datetime import timedelta
    now = portal.clock.now()
    Office.update(licence_status="active", licence_expires=now + timedelta(days=10)).execute()
    assert "پروانهٔ دفتر در ۲۰ آذر ۱۴۰۵ پایان می‌یابد (۱۰ روز مانده)" in operator_client.get("/").text
    Office.update(licence_expires=now - timedelta(hours=1)).execute()
    assert "پروانهٔ این دفتر منقضی است" in operator_client.get("/").text


@pytest.fixture
def failing_app(portal):
    app = create_app(portal.box, {"PORTAL_SECRET": b"k" * 32})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail of the failure")

    return app


def test_a_500_is_a_page_in_the_portal_look_without_a_traceback(failing_app):
    client = failing_app.test_client()
    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="fa" dir="rtl">' in html and "خطایی رخ داد" in html
    assert "Traceback" not in html and "secret detail" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_api_errors_stay_json(failing_app):
    response = failing_app.test_client().get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "route.not_found"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hardware_page_reads_the_devices_own_report(portal):
    """The assembly's device report is box.parts.devices; the page puts it in words."""
    from hardware import part
    portal.box.fit(Parts(devices=part.build(portal.box)))
    technician = logged_in(portal, "technician")
    hardware = technician.get("/hardware")
    assert hardware.status_code == 200
    for device in ("چاپگر رسید", "مودم GSM", "کارت‌خوان", "چراغ‌ها و برق"):
        assert device in hardware.text
    assert "پنل GPIO خاموش است" in hardware.text
    assert "پنل GPIO خاموش است" in technician.get("/").text


def test_sync_page_reads_the_sync_agents_own_report(portal):
    """The sync part reports as box.parts.sync; the page puts it in words."""
    from sync_agent import part
    portal.box.fit(Parts(sync=part.build(portal.box)))
    technician = logged_in(portal, "technician")
    page = technician.get("/sync").text
    assert "sync-not-configured" not in page
    assert "ارتباط: هنوز نزد مرکز ثبت نشده است" in page
    assert "<dt>ثبت‌شده نزد مرکز</dt><dd>خیر</dd>" in page
    assert portal.box.keys.device_id not in page and "not enrolled with a gateway" not in page
    assert "ارتباط: هنوز نزد مرکز ثبت نشده است" in technician.get("/").text
    assert 'id="sync-now"' in page
    agent = portal.box.parts.sync.agent               # built, not started: nothing runs
    assert not agent._wake.is_set()
    asked = technician.post("/sync/now")
    assert asked.status_code == 303 and agent._wake.is_set()
    assert "از عامل همگام‌سازی خواسته شد" in technician.get(asked.headers["Location"]).text
    technician.post("/language", {"lang": "en"})
    assert "Link: not enrolled with the centre yet" in technician.get("/sync").text


def test_sync_page_shows_errors_and_times_in_the_readers_language(portal):
    portal.box.fit(reporting(sync={
        "state": "backing_off", "enrolled": True, "gateway": "https://gw.example/v1",
        "queue_depth": 4, "oldest_unsent_age_seconds": 5400, "last_success_age_seconds": 90000,
        "last_error": "connection refused", "last_error_code": "unreachable",
        "last_error_words": phrase(ERRORS["unreachable"], error="connection refused"),
        "last_error_at": "2026-12-01T08:00:00+00:00", "licence_status": "active",
        "bundle_error": "", "summary": "4 record(s) waiting", "acked_seq": 17}))
    technician = logged_in(portal, "technician")
    page = technician.get("/sync").text
    for words in ("تلاش قبلی ناموفق بود", "۱ ساعت", "۱ روز پیش", "دسترسی به درگاه مرکزی ممکن نشد",
                  "۱۰ آذر ۱۴۰۵، ۱۱:۳۰", "<dd>فعال</dd>", "۴ رویداد در صف ارسال"):
        assert words in page, words
    assert "connection refused" not in page and "record(s)" not in page and "۱۷" not in page
    technician.post("/language", {"lang": "en"})
    english = technician.get("/sync").text
    assert "The central gateway could not be reached" in english and "1 day ago" in english


def devices_as_they_report(box) -> Parts:
    """The box's own printer, card reader and panel, and a ready modem on a pty as
    the modem worker reports it."""
    from hardware import part
    return Parts(devices=SimpleNamespace(statuses=lambda: {
        **part.build(box).statuses(),
        "modem": {"device": "modem", "port": "/dev/pts/1", "state": "ready", "ok": True,
                  "words": {"en": "ready", "fa": "آماده"}, "operator": "IR-MCI",
                  "signal": {"rssi": 21, "dbm": -71, "bars": 3,
                             "words": {"en": "good signal (-71 dBm)", "fa": "آنتن خوب (-71 dBm)"}},
                  "network_time": "2026-12-02T04:57:46+00:00", "delivery_reports": True,
                  "outbox": {"queued": 2, "sending": 0, "sent": 5, "delivered": 4, "failed": 0},
                  "updated_at": "2026-12-02T04:58:00+00:00", "live": True},
        "gpio": {"device": "gpio", "state": "online", "ok": True, "power": "mains",
                 "accepting_intakes": True, "shutting_down": False,
                 "words": phrase("front panel stopped")}}))


def test_hardware_page_is_persian_with_isolated_ports_and_one_printer(portal):
    """Every label and state in Persian, Jalali network time, dBm isolated with
    Persian digits, the printer once, a marker per device."""
    import re

    portal.box.fit(devices_as_they_report(portal.box))
    html = logged_in(portal, "technician").get("/hardware").text
    page = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    assert '<bdi dir="ltr">/dev/pts/1</bdi>' in page \
        and f'<bdi dir="ltr">{portal.box.settings["printer.url"]}</bdi>' in page
    assert '<bdi dir="ltr">(-۷۱ dBm)</bdi>' in page and "آنتن خوب" in page
    assert "۱۴۰۵" in page and "2026-12-02" not in page        # network time, Jalali
    for words in ("برق شهر", "پذیرش پرونده", "صف پیامک", "در انتظار", "ساعت شبکه"):
        assert words in page
    assert page.count("چاپگر رسید") == 1 and page.count("Receipt printer") == 0
    assert page.count("device-ok") + page.count("device-problem") == 4   # a marker each
    text = re.sub(r"<bdi dir=\"ltr\">.*?</bdi>|<[^>]+>", " ", page)
    latin = set(re.findall(r"[A-Za-z]{2,}", text)) - {"GSM"}     # the modem's standard, a name
    assert not latin, latin
