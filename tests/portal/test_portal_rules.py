"""The portal's own small parsers, under hypothesis."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, strategies as st

from edge.errors import InvalidInput
from web.portal.access import safe_next
from web.portal.intakes import fold
from web.portal.users import normalize_card_uid

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


@given(st.binary(min_size=4, max_size=10), st.sampled_from([":", " ", "-", ""]),
       st.booleans())
def test_card_uids_in_any_spelling_are_one(raw, separator, lower):
    spelled = separator.join(f"{byte:02x}" if lower else f"{byte:02X}" for byte in raw)
    assert normalize_card_uid(spelled) == raw.hex().upper()


@given(st.text(max_size=30))
def test_card_uid_is_hex_or_refused(text):
    try:
        uid = normalize_card_uid(text)
    except InvalidInput:
        return
    assert uid == "" or (8 <= len(uid) <= 20 and all(c in "0123456789ABCDEF" for c in uid))
