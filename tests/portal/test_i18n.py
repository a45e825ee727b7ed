"""Persian first: the catalogue is complete, pages are RTL Persian by default,
the English switch is remembered, dates are Jalali and digits Persian."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from tests.portal.conftest import Browserish, make_intake
from web.portal import i18n


def committed_catalogue(lang: str = "fa"):
    with i18n.po_path(lang).open("rb") as source:
        return read_po(source, locale=lang)


def test_every_string_of_the_templates_and_code_is_in_the_catalogue():
    extracted = set(i18n.extract_messages())
    assert len(extracted) > 150
    catalogue = {message.id if isinstance(message.id, str) else tuple(message.id)
                 for message in committed_catalogue() if message.id}
    missing = extracted - catalogue
    assert not missing, f"not in web/translations (run python -m web.portal.i18n): {missing}"
    stale = catalogue - extracted
    assert not stale, f"no longer used, remove with python -m web.portal.i18n: {stale}"


def test_every_message_has_a_persian_translation_with_the_same_placeholders():
    for message in committed_catalogue():
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated: {message.id!r}"
        wanted = set(re.findall(r"%\(\w+\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)s", string)) == wanted, message.id
        assert not message.fuzzy, message.id


def test_extraction_sees_a_new_template_string(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "portal").mkdir()
    (tmp_path / "templates" / "x.html").write_text('{{ _("A brand new sentence") }}')
    (tmp_path / "portal" / "x.py").write_text('gettext("From the code")\n')
    assert set(i18n.extract_messages(tmp_path)) == {"A brand new sentence", "From the code"}


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
