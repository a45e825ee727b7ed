"""The supervisor's business day page on the real server: running totals,
the close with the cash counted as typed, and what a close refuses."""

from __future__ import annotations

import re

from tests.portal.conftest import field_error, make_intake


def tile(html: str, name: str) -> str:
    found = re.search(r'id="day-' + name + r'">([^<]*)<', html)
    assert found, f"no tile {name}"
    return found.group(1)


def test_the_supervisor_sees_the_day_and_closes_it_once(portal, operator_client,
                                                         supervisor_client):
    make_intake(operator_client)
    make_intake(operator_client, **{"payment.method": "card",
                                    "payment.reference": "۱۲۳۴۵۶۷۸۹۰۱۲",
                                    "payment.card_last4": "۶۰۳۷"})
    page = supervisor_client.get("/day").text
    assert tile(page, "date") == "۱۴۰۵/۰۹/۱۰" and tile(page, "intakes") == "۲"
    assert tile(page, "cash-expected") == "۷۸۰٬۰۰۰ ریال"
    assert "باز: جمع‌های جاری (X)" in page and "۱۲۳۴۵۶۷۸۹۰۱۲" in page
    wrong = supervisor_client.post("/day/close", {"cash_counted": "هفتصد"})
    assert wrong.status_code == 400
    assert field_error(wrong.text, "cash_counted") == (
        "نقد شمارش‌شدهٔ صندوق را به ریال و با رقم بنویسید.")
    closed = supervisor_client.post("/day/close", {"cash_counted": "۷۷۰٬۰۰۰"})
    assert closed.status_code == 303
    page = supervisor_client.get(closed.headers["Location"]).text
    assert "بسته‌شده (Z)" in page and "روز بسته شد." in page
    assert tile(page, "cash-counted") == "۷۷۰٬۰۰۰ ریال"
    assert tile(page, "difference") == "-۱۰٬۰۰۰ ریال"
    assert 'id="close-form"' not in page
    again = supervisor_client.post("/day/close", {"cash_counted": "0"})
    assert again.status_code == 409
    assert "روز کاری ۱۴۰۵/۰۹/۱۰ پیش‌تر بسته شده است" in again.text
    make_intake(operator_client)                     # after the close: the next day
    today = supervisor_client.get("/day").text
    assert tile(today, "date") == "۱۴۰۵/۰۹/۱۱" and tile(today, "intakes") == "۱"
    assert 'id="close-form"' not in today            # tomorrow is closed tomorrow


def test_the_day_page_is_for_supervisors(operator_client, supervisor_client):
    assert operator_client.get("/day").status_code == 403
    assert operator_client.post("/day/close", {"cash_counted": "0"}).status_code == 403
    bad_date = supervisor_client.get("/day?date=1405/13/40")
    assert bad_date.status_code == 200 and "۱۴۰۵/۰۹/۱۰" in field_error(bad_date.text, "date")
