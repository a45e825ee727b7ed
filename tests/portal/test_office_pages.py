"""The office's pages: closures a supervisor adds (and the due times they
move), the licence with its warnings 30 and 7 days before it ends, and the
licensed suppliers from the bundle."""

from __future__ import annotations

import json
from datetime import timedelta

from edge import jalali
from edge.sla import records
from tests.portal.conftest import field_error, make_intake


def set_licence(portal, days: float | None, number: str = "KH-1405-0042"):
    office = portal.box.store.models.Office
    expires = portal.clock.now() + timedelta(days=days) if days is not None else None
    with portal.box.store.write():
        office.update(licence_number=number, licence_expires=expires).execute()


def test_a_supervisor_closes_a_day_and_the_due_time_moves(portal, supervisor_client):
    code = make_intake(supervisor_client, service_code="SANA-REG")   # Tuesday 10 Azar 11:30
    intake = portal.box.intakes.get(code)
    before = records.level_of(portal.box.store, portal.box.settings, intake, portal.clock.now())
    page = supervisor_client.get("/office/calendar")
    assert page.status_code == 200 and "تعطیلی‌ای ثبت نشده است." in page.text
    bad = supervisor_client.post("/office/calendar", {"day": "1405/13/40", "reason": "برف"})
    assert bad.status_code == 400
    assert field_error(bad.text, "day") == "تاریخ شمسی را به شکل ۱۴۰۵/۰۹/۱۰ بنویسید."
    no_reason = supervisor_client.post("/office/calendar", {"day": "۱۴۰۵/۰۹/۱۱", "reason": " "})
    assert "لازم است" in field_error(no_reason.text, "reason")
    saved = supervisor_client.post("/office/calendar", {"day": "۱۴۰۵/۰۹/۱۱", "reason": "برف سنگین"})
    assert saved.status_code == 303
    listed = supervisor_client.get("/office/calendar?done=closed").text
    assert "۱۱ آذر ۱۴۰۵" in listed and "برف سنگین" in listed
    again = supervisor_client.post("/office/calendar", {"day": "1405/09/11", "reason": "باز"})
    assert again.status_code == 409 and "پیش‌تر تعطیل" in again.text
    after = records.level_of(portal.box.store, portal.box.settings, intake, portal.clock.now())
    assert after.due_at - before.due_at == timedelta(days=1)   # Wednesday no longer counts


def test_only_a_supervisor_opens_the_calendar(portal, operator_client):
    assert operator_client.get("/office/calendar").status_code == 403
    assert operator_client.post("/office/calendar", {"day": "1405/09/11",
                                                     "reason": "x"}).status_code == 403
    assert not portal.box.store.models.Closure.select().exists()


def test_licence_page_and_the_dashboard_warnings(portal, operator_client):
    set_licence(portal, 45.5)
    page = operator_client.get("/office/licence").text
    assert "KH-1405-0042" in page and "فعال" in page
    assert 'id="licence-days">۴۵<' in page
    ends = portal.clock.now() + timedelta(days=45.5)
    assert f'id="licence-expires">{jalali.format_date(ends)}<' in page
    assert "ثبت درخواست جدید متوقف می‌شود" in page
    assert "روز مانده" not in operator_client.get("/").text       # 45 days: no warning yet
    set_licence(portal, 20.5)
    assert "(۲۰ روز مانده)" in operator_client.get("/").text
    set_licence(portal, 5.5)
    assert "فقط ۵ روز مانده است" in operator_client.get("/").text
    set_licence(portal, -1)
    dashboard = operator_client.get("/").text
    assert "منقضی" in dashboard and "روز مانده" not in dashboard
    assert 'id="licence-days">۰<' in operator_client.get("/office/licence").text


def test_suppliers_from_the_bundle(portal, operator_client):
    assert "هنوز فهرست تأمین‌کنندگان" in operator_client.get("/office/suppliers").text
    bundle = {"suppliers": [{"code": "PARS-POS", "name": "پارس پرداز", "supplies": "کارتخوان",
                             "phone": "02188776655"}]}
    with portal.box.store.write():
        portal.box.store.models.SyncBundle.insert(
            id=1, version=1, digest="-", issued_at="-", expires_at="-", applied_at="-",
            envelope=json.dumps({"bundle": bundle}, ensure_ascii=False)).execute()
    page = operator_client.get("/office/suppliers").text
    assert "پارس پرداز" in page and "PARS-POS" in page and "۰۲۱۸۸۷۷۶۶۵۵" in page
