"""Jalali (Solar Hijri) dates in Iran time, with Persian month names."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import jdatetime

from edge.digits import is_ascii_number, to_ascii_digits, to_persian_digits

# Iran has kept +03:30 all year since daylight saving ended in 2022.
IRAN = timezone(timedelta(hours=3, minutes=30), "IRST")

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
             "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
             "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand")


def to_jalali(moment: datetime) -> jdatetime.datetime:
    return jdatetime.datetime.fromgregorian(datetime=moment.astimezone(IRAN))


def format_date(moment: datetime, lang: str = "fa") -> str:
    """'۱۰ آذر ۱۴۰۵' (fa) or '10 Azar 1405' (en)."""
    j = to_jalali(moment)
    if lang == "fa":
        return f"{to_persian_digits(j.day)} {MONTHS_FA[j.month - 1]} {to_persian_digits(j.year)}"
    return f"{j.day} {MONTHS_EN[j.month - 1]} {j.year}"


def format_datetime(moment: datetime, lang: str = "fa") -> str:
    """'۱۰ آذر ۱۴۰۵، ۱۱:۳۰' (fa) or '10 Azar 1405, 11:30' (en)."""
    j = to_jalali(moment)
    clock = f"{j.hour:02d}:{j.minute:02d}"
    if lang == "fa":
        return f"{format_date(moment, 'fa')}، {to_persian_digits(clock)}"
    return f"{format_date(moment, 'en')}, {clock}"


def numeric_date(moment: datetime, lang: str = "fa") -> str:
    """'۱۴۰۵/۰۹/۱۰' — the short form used on forms and searches."""
    j = to_jalali(moment)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if lang == "fa" else text


def parse_date(text: str) -> date:
    """'۱۴۰۵/۰۹/۱۰' or '1405-9-10' -> the Gregorian date; ValueError if not a date."""
    parts = to_ascii_digits(text.strip()).replace("-", "/").split("/")
    if len(parts) != 3 or not all(is_ascii_number(part) for part in parts):
        raise ValueError(f"not a Jalali date: {text!r}")
    year, month, day = (int(part) for part in parts)
    if not 1300 <= year <= 1499:     # '05/09/10' is a typo, not the year 5
        raise ValueError(f"not a Jalali year of this era: {year}")
    return jdatetime.date(year, month, day).togregorian()
