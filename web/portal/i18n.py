"""The portal's side of the message catalogue (`edge.i18n`): the reader's
translator for this request, and the template filters that use it."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Flask, current_app, g
from markupsafe import Markup

from edge import jalali
from edge.i18n import DIRECTIONS, LANGUAGES, N_, MessageCatalogue, Translator
from edge.phone import local_form

__all__ = ["DIRECTIONS", "LANGUAGES", "N_", "current_lang", "translator", "gettext",
           "ngettext", "digits", "rials", "jalali_datetime", "jalali_day", "mobile", "ltr",
           "init_app"]


def current_lang() -> str:
    return getattr(g, "lang", None) or "fa"


def catalogue() -> MessageCatalogue:
    return current_app.extensions["message_catalogue"]


def translator() -> Translator:
    return catalogue().translator(current_lang())


def gettext(text: str, **params) -> str:
    return translator().gettext(text, **params)


def ngettext(singular: str, plural: str, count: int, **params) -> str:
    return translator().ngettext(singular, plural, count, **params)


def digits(value) -> str:
    """Persian digits in the Persian portal, ASCII in English."""
    return translator().digits(value)


def rials(amount: int | None) -> str:
    return translator().rials(amount)


def jalali_datetime(moment: datetime | None) -> str:
    return translator().date_and_time(moment)


def jalali_day(day: date) -> str:
    """A calendar day (an Iran-time date) in Jalali: '۱ فروردین ۱۴۰۵'."""
    return jalali.format_date(datetime.combine(day, time(12), jalali.IRAN), current_lang())


def mobile(e164: str) -> str:
    return digits(local_form(e164))


def ltr(text) -> Markup:
    """Latin codes (tracking codes, usernames) kept left-to-right inside Persian text."""
    return Markup('<bdi dir="ltr" class="code">%s</bdi>') % text


def init_app(app: Flask) -> None:
    """The templates' gettext and filters; the app's `message_catalogue` is
    built by `web.create_app`."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Jinja's new-style gettext fills the placeholders itself (escaping them), so it
    # gets the plain look-ups.
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translator().lookup(text),
        ngettext=lambda singular, plural, count: translator().lookup_plural(
            singular, plural, count),
        newstyle=True)
    app.jinja_env.filters.update(digits=digits, rials=rials, jalali_datetime=jalali_datetime,
                                 jalali_day=jalali_day,
                                 mobile=mobile, ltr=ltr)
