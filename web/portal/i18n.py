"""Languages of the portal: Persian first, English second.

Every string a person reads goes through gettext. The catalogues are the .po
files under web/translations/; they are compiled in memory when the app is
made, so a fresh clone needs no build step and a stale .mo can never be served.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g
from markupsafe import Markup

from edge import jalali
from edge.digits import group_thousands, to_persian_digits
from edge.phone import local_form

LANGUAGES = ("fa", "en")
DIRECTIONS = {"fa": "rtl", "en": "ltr"}
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def po_path(lang: str, folder: Path = TRANSLATIONS) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogues(folder: Path = TRANSLATIONS) -> dict[str, NullTranslations]:
    """{lang: translations}; msgids are English, so English needs no catalogue."""
    loaded: dict[str, NullTranslations] = {"en": NullTranslations()}
    for lang in LANGUAGES:
        path = po_path(lang, folder)
        if lang == "en" or not path.exists():
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=lang)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        loaded[lang] = Translations(compiled, domain=DOMAIN)
    return loaded


def current_lang() -> str:
    return getattr(g, "lang", None) or "fa"


def _translations() -> NullTranslations:
    catalogues = current_app.extensions["portal_catalogues"]
    return catalogues.get(current_lang(), catalogues["en"])


def gettext(text: str, **params) -> str:
    translated = _translations().gettext(text)
    return translated % params if params else translated


def ngettext(singular: str, plural: str, count: int, **params) -> str:
    translated = _translations().ngettext(singular, plural, count)
    params.setdefault("num", count)
    return translated % params


_ = gettext


def N_(text: str) -> str:
    """Marks a string for the catalogue; translated later, where it is shown."""
    return text


def digits(value) -> str:
    """Persian digits in the Persian portal, ASCII in English."""
    return to_persian_digits(str(value)) if current_lang() == "fa" else str(value)


def rials(amount: int | None) -> str:
    if amount is None:
        return "—"
    return gettext("%(amount)s rials", amount=group_thousands(int(amount), current_lang()))


def jdate(moment: datetime | None) -> str:
    return jalali.format_date(moment, current_lang()) if moment else "—"


def jdatetime(moment: datetime | None) -> str:
    return jalali.format_datetime(moment, current_lang()) if moment else "—"


def mobile(e164: str) -> str:
    return digits(local_form(e164))


def ltr(text) -> Markup:
    """Latin codes (tracking codes, usernames) kept left-to-right inside Persian text."""
    return Markup('<bdi dir="ltr" class="code">%s</bdi>') % text


def init_app(app: Flask) -> None:
    app.extensions["portal_catalogues"] = load_catalogues()
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    app.jinja_env.filters.update(digits=digits, rials=rials, jdate=jdate,
                                 jdatetime=jdatetime, mobile=mobile, ltr=ltr)
