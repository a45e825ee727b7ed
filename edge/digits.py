"""Persian (۰-۹), Arabic-Indic (٠-٩) and ASCII digits."""

from __future__ import annotations

_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_TO_ASCII = str.maketrans(_PERSIAN + _ARABIC_INDIC, "0123456789" * 2)
_TO_PERSIAN = str.maketrans("0123456789", _PERSIAN)


def to_ascii_digits(text: str) -> str:
    """Any Persian or Arabic-Indic digit in `text` as its ASCII digit."""
    return text.translate(_TO_ASCII)


def to_persian_digits(text: str | int) -> str:
    return str(text).translate(_TO_PERSIAN)


def group_thousands(number: int, lang: str = "fa") -> str:
    """12500000 -> '۱۲٬۵۰۰٬۰۰۰' in Persian, '12,500,000' in English."""
    grouped = f"{number:,}"
    if lang == "fa":
        return to_persian_digits(grouped.replace(",", "٬"))
    return grouped


def is_ascii_number(text: str) -> bool:
    """Only 0-9: str.isdigit() also takes '²' and other digits int() refuses."""
    return text.isascii() and text.isdigit()
