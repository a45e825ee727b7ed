"""Iranian mobile numbers, stored in E.164 (+989xxxxxxxxx)."""

from __future__ import annotations

import re

from edge.digits import to_ascii_digits
from edge.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s\-().]")
# 09xxxxxxxxx, 9xxxxxxxxx, +989xxxxxxxxx, 989xxxxxxxxx, 00989xxxxxxxxx
_MOBILE = re.compile(r"^(?:\+98|0098|98|0)?(9\d{9})$")


def normalize_mobile(raw: str, field: str = "mobile") -> str:
    number = _SEPARATORS.sub("", to_ascii_digits(str(raw)))
    match = _MOBILE.match(number) if number.isascii() else None
    if not match:
        raise InvalidInput("mobile.invalid", field)
    return "+98" + match.group(1)


def local_form(e164: str) -> str:
    """+989121234567 -> 09121234567, as people write it."""
    return "0" + e164[3:] if e164.startswith("+98") else e164
