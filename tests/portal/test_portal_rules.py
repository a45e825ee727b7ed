"""The portal's own small parsers, under hypothesis."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, strategies as st

from web.portal.access import safe_next
from web.portal.intakes import fold

TRICKY = st.sampled_from(["//[", "/[x", "//evil.example", "http://evil.example/", "/\\\\evil", "javascript:x",
                          "/intakes?x=1", "/", "", "https:/x", "/%2F%2Fevil", " /x", "\t//x"])


@given(st.one_of(TRICKY, st.text(max_size=40), st.builds(lambda a, b: a + b, TRICKY,
                                                          st.text(max_size=10))))
def test_next_is_only_ever_a_path_on_this_box(target):
    kept = safe_next(target)
    if kept:
        parts = urlsplit(kept)
        assert kept.startswith("/") and not kept.startswith("//") and "\\" not in kept
        assert not any(ch.isspace() for ch in kept)
        assert not parts.scheme and not parts.netloc


@pytest.mark.parametrize("typed, wanted", [
    ("كارت هوشمند ملي", "کارت هوشمند ملی"), ("آب", "اب"), ("بیمهٔ", "بیمه"),
    ("ثبت‌نام", "ثبت نام"), ("۱۲۳", "123"), ("  Smart   CARD ", "smart card"),
    ("عَلی", "علی")])
def test_fold_makes_letter_forms_one(typed, wanted):
    assert fold(typed) == fold(wanted)


@given(st.text(max_size=30))
def test_fold_is_stable(text):
    assert fold(fold(text)) == fold(text)


# --- no input makes a 500 ------------------------------------------------------

from hypothesis import HealthCheck, settings  # noqa: E402

from tests.portal.conftest import CSRF, INTAKE  # noqa: E402

WILD = st.one_of(st.text(max_size=30), st.sampled_from(
    ["²", "۱۴۰۵/۰۹/۱۰", "1405/13/40", "0013542419", "+989121234567", "K7Q2-MX04-F7", "", " ",
     "\x00", "%", "'; DROP TABLE intake; --", "١٢٣", "9" * 40]))
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def app_client(portal):
    client = portal.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "operator", "password": portal.passwords["operator"],
                                "csrf_token": CSRF.search(page).group(1)})
    token = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    return client, token


@FUZZ
@given(args=st.dictionaries(st.sampled_from(["tracking_code", "national_code", "mobile", "service",
                                             "status", "from", "to", "page", "other"]), WILD))
def test_any_search_is_a_page_not_an_error(app_client, args):
    client, _ = app_client
    response = client.get("/intakes", query_string=args)
    assert response.status_code == 200


@FUZZ
@given(name=st.sampled_from(sorted(INTAKE)), value=WILD)
def test_any_intake_form_is_saved_or_refused_never_half_written(app_client, portal, name, value):
    client, token = app_client
    Intake, OutboxRecord = portal.box.store.models.Intake, portal.box.store.models.OutboxRecord
    before = (Intake.select().count(), OutboxRecord.select().count())
    response = client.post("/intakes/new", data={**INTAKE, name: value, "csrf_token": token})
    after = (Intake.select().count(), OutboxRecord.select().count())
    assert response.status_code in (303, 400), response.status_code
    if response.status_code == 303 and response.headers["Location"] == "/intakes/new":
        assert name == "service_code" and after == before      # back to choosing a service
    elif response.status_code == 303:
        assert after == (before[0] + 1, before[1] + 1)
    else:
        assert after == before
        assert "خطای داخلی" not in response.get_data(as_text=True)
