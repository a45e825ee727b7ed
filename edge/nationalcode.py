"""The Iranian national code (کد ملی): ten digits, the last a check digit."""

from __future__ import annotations

import re

from edge.digits import to_ascii_digits
from edge.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s\-_.]")


def check_digit(first_nine: str) -> int:
    """The check digit of the first nine digits (weights 10 down to 2, mod 11)."""
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine)) % 11
    return remainder if remainder < 2 else 11 - remainder


def validate(raw: str, field: str = "national_code") -> str:
    """The code as ten ASCII digits, or InvalidInput saying what is wrong.

    Persian and Arabic-Indic digits are accepted. Codes that begin with zeros
    are often written without them (8 or 9 digits); those are padded back.
    """
    code = _SEPARATORS.sub("", to_ascii_digits(str(raw)))
    if not code.isdigit() or not code.isascii() or not 8 <= len(code) <= 10:
        raise InvalidInput("national_code.format", field)
    code = code.zfill(10)
    if len(set(code)) == 1:
        raise InvalidInput("national_code.same_digits", field)
    if check_digit(code[:9]) != int(code[9]):
        raise InvalidInput("national_code.checksum", field)
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except InvalidInput:
        return False
    return True
