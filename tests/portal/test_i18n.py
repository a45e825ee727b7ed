"""Persian first: pages are RTL Persian by default, the English switch is
remembered, dates are Jalali and digits Persian."""

from __future__ import annotations

from tests.portal.conftest import Browserish, make_intake


def test_pages_are_persian_right_to_left_by_default(portal, operator_client):
    html = operator_client.get("/").text
    assert '<html lang="fa" dir="rtl">' in html
    assert "درخواست‌های امروز" in html and "۱۰ آذر ۱۴۰۵" in html   # FakeClock: 1 Dec 2026
    login = Browserish(portal.url).get("/login").text
    assert '<html lang="fa" dir="rtl">' in login and "ورود به پیشخوان" in login


def test_english_switch_is_remembered_in_a_cookie(portal, operator_client):
    response = operator_client.post("/language", {"lang": "en", "next": "/intakes/new"})
    assert response.status_code == 303 and response.headers["Location"] == "/intakes/new"
    cookie = next(c for c in response.raw.headers.getlist("Set-Cookie") if "pk_lang=en" in c)
    assert "Max-Age=" in cookie and "HttpOnly" in cookie
    html = operator_client.get("/").text
    assert '<html lang="en" dir="ltr">' in html and "Intakes today" in html
    assert "10 Azar 1405" in html
    operator_client.post("/language", {"lang": "fa"})
    assert '<html lang="fa" dir="rtl">' in operator_client.get("/").text


def test_amounts_dates_and_numbers_are_written_for_the_reader(portal, operator_client):
    code = make_intake(operator_client)
    html = operator_client.get(f"/intakes/{code}").text
    assert "۷۸۰٬۰۰۰ ریال" in html                     # POST-PARCEL's demo tariff
    assert "۱۰ آذر ۱۴۰۵، ۱۱:۳۰" in html                # 08:00 UTC is 11:30 in Tehran
    assert "۰۹۱۲۱۲۳۴۵۶۷" in html and "۰۰۱۳۵۴۲۴۱۹" in html
    assert f'<bdi dir="ltr" class="code">{code}</bdi>' in html
    operator_client.post("/language", {"lang": "en"})
    english = operator_client.get(f"/intakes/{code}").text
    assert "780,000 rials" in english and "10 Azar 1405, 11:30" in english


def test_persian_search_of_the_catalogue_folds_letter_forms(portal, operator_client):
    # Arabic kaf and yeh, as an Arabic keyboard types them, still find «کارت هوشمند»
    html = operator_client.get("/intakes/new?q=كارت هوشمند ملي").text
    assert "درخواست کارت هوشمند ملی" in html and "ارسال مرسولهٔ پستی" not in html
    assert "تمدید گواهینامهٔ رانندگی" in operator_client.get("/intakes/new?q=گواهینامه").text
    assert "Bill payment" not in operator_client.get("/intakes/new?q=zzz").text
    operator_client.post("/language", {"lang": "en"})
    assert "Bill payment" in operator_client.get("/intakes/new?q=bill").text
