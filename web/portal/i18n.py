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
    lang = current_lang()
    found = g.get("translations")
    if found is None or found[0] != lang:   # looked up once per request (a page asks ~30 times)
        catalogues = current_app.extensions["portal_catalogues"]
        found = g.translations = (lang, catalogues.get(lang, catalogues["en"]))
    return found[1]


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
    # Jinja's new-style gettext fills the placeholders itself (escaping them), so it
    # gets the plain look-ups.
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: _translations().gettext(text),
        ngettext=lambda singular, plural, count: _translations().ngettext(singular, plural, count),
        newstyle=True)
    app.jinja_env.filters.update(digits=digits, rials=rials, jdate=jdate,
                                 jdatetime=jdatetime, mobile=mobile, ltr=ltr)


# --- the catalogue ---------------------------------------------------------------

WEB = Path(__file__).resolve().parent.parent
METHOD_MAP = [("portal/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]


def extract_messages(root: Path = WEB) -> dict[str | tuple, list[str]]:
    """{msgid (or (singular, plural)): [where]} of every string the portal shows."""
    from babel.messages.extract import extract_from_dir

    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), METHOD_MAP, options_map={"templates/**.html": {"encoding": "utf-8"}}):
        key = message if isinstance(message, str) else tuple(message[:2])
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def update_catalogue(lang: str = "fa", folder: Path = TRANSLATIONS) -> list:
    """Add new msgids to the .po (untranslated), drop the vanished ones; returns
    the msgids that still need a translation. Run: python -m web.portal.i18n"""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = po_path(lang, folder)
    old = {}
    if path.exists():
        with path.open("rb") as source:
            old = {message.id: message.string for message in read_po(source, locale=lang)
                   if message.id}
    catalog = Catalog(locale=lang, project="Pishkhan Edge portal", charset="utf-8",
                      fuzzy=False, header_comment="# Persian catalogue of the Pishkhan Edge "
                      "portal. Update with: python -m web.portal.i18n")
    for key, places in sorted(extract_messages().items(), key=lambda item: str(item[0])):
        locations = [(place.rsplit(":", 1)[0], int(place.rsplit(":", 1)[1])) for place in places]
        catalog.add(key, old.get(key, "" if isinstance(key, str) else ("", "")),
                    locations=locations)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=100, sort_output=True, include_lineno=False)
    return [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                  else m.string)]


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    for missing in update_catalogue():
        print("untranslated:", missing)
