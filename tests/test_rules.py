"""Domain rules called directly: national code, mobile, tracking codes, digits."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from edge import nationalcode, phone, tracking
from edge.digits import group_thousands, to_ascii_digits, to_persian_digits
from edge.errors import InvalidInput


def with_check_digit(nine: str) -> str:
    return nine + str(nationalcode.check_digit(nine))


@pytest.mark.parametrize("raw, stored", [
    ("0013542419", "0013542419"),
    ("۰۰۱۳۵۴۲۴۱۹", "0013542419"),          # Persian digits
    ("٠٠١٣٥٤٢٤١٩", "0013542419"),          # Arabic-Indic digits
    ("13542419", "0013542419"),             # leading zeros left off
    ("001-354241-9", "0013542419"),
    ("4608968882", "4608968882"),
])
def test_national_code_accepted_and_stored_as_ascii(raw, stored):
    assert nationalcode.validate(raw) == stored


@pytest.mark.parametrize("raw, code", [
    ("0013542418", "national_code.checksum"),
    ("1111111111", "national_code.same_digits"),
    ("0000000000", "national_code.same_digits"),
    ("12345", "national_code.format"),
    ("12345678901", "national_code.format"),
    ("abcdefghij", "national_code.format"),
    ("", "national_code.format"),
])
def test_national_code_refused_with_reason(raw, code):
    with pytest.raises(InvalidInput) as caught:
        nationalcode.validate(raw)
    assert caught.value.code == code
    assert caught.value.field == "national_code"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: len(set(s)) > 1))
def test_every_code_with_its_check_digit_is_valid_and_any_other_digit_is_not(nine):
    code = with_check_digit(nine)
    assert nationalcode.validate(code) == code
    for wrong in set("0123456789") - {code[-1]}:
        assert not nationalcode.is_valid(nine + wrong)


@given(st.text(max_size=30))
def test_national_code_never_fails_but_with_invalid_input(raw):
    try:
        assert len(nationalcode.validate(raw)) == 10
    except InvalidInput:
        pass


@pytest.mark.parametrize("raw", ["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "+989121234567", "00989121234567",
                                 "989121234567", "9121234567", "0912 123 4567", "(0912) 123-4567"])
def test_mobile_normalised_to_e164(raw):
    assert phone.normalize_mobile(raw) == "+989121234567"


@pytest.mark.parametrize("raw", ["02112345678", "0912123456", "+14155550100", "091212345678",
                                 "", "phone", "+98912123456x"])
def test_mobile_refused(raw):
    with pytest.raises(InvalidInput) as caught:
        phone.normalize_mobile(raw)
    assert caught.value.code == "mobile.invalid"


def test_mobile_local_form():
    assert phone.local_form("+989121234567") == "09121234567"


def test_tracking_code_shape():
    code = tracking.make_code("K7Q2MX", 4)
    assert code == "K7Q2-MX00-4" + code[-1]
    assert len(code.replace("-", "")) == 10
    assert set(code.replace("-", "")) <= set(tracking.ALPHABET)


@given(st.integers(min_value=1, max_value=10**9))
def test_tracking_code_typed_back_in_any_form_is_read(counter):
    code = tracking.make_code("K7Q2MX", counter)
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert tracking.normalize(typed) == code


@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_tracking_check_character_catches_any_single_wrong_character(counter, data):
    compact = tracking.make_code("K7Q2MX", counter).replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(compact) - 1))
    wrong = data.draw(st.sampled_from([c for c in tracking.ALPHABET if c != compact[position]]))
    assert not tracking.is_valid(compact[:position] + wrong + compact[position + 1:])


def test_tracking_check_character_catches_most_neighbour_swaps():
    caught = missed = 0
    for counter in range(1, 3000):
        compact = tracking.make_code("K7Q2MX", counter).replace("-", "")
        for i in range(len(compact) - 1):
            if compact[i] == compact[i + 1]:
                continue
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2:]
            if tracking.is_valid(swapped):
                missed += 1
            else:
                caught += 1
    assert caught / (caught + missed) > 0.99


def test_tracking_codes_of_two_boxes_differ_without_coordination():
    first, second = tracking.device_tag(b"box one key"), tracking.device_tag(b"box two key")
    assert first != second
    codes_one = {tracking.make_code(first, n) for n in range(1, 500)}
    codes_two = {tracking.make_code(second, n) for n in range(1, 500)}
    assert len(codes_one) == 499 and not codes_one & codes_two


def test_persian_digits_and_thousands():
    assert to_persian_digits(1405) == "۱۴۰۵"
    assert to_ascii_digits("۱۲۳٤٥٦") == "123456"
    assert group_thousands(12_500_000) == "۱۲٬۵۰۰٬۰۰۰"
    assert group_thousands(12_500_000, "en") == "12,500,000"
