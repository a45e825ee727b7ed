"""The one message catalogue: every text a person reads, in Persian first.

Portal pages, API errors, console output and SMS all say their words through
gettext: the msgid is the English text, the Persian is in
`edge/translations/fa/LC_MESSAGES/messages.po`, so a translator edits one
file. The .po files are compiled in memory when a `MessageCatalogue` is
built (a fresh clone needs no build step and a stale .mo can never be read).
Nothing here is process-wide: whoever shows texts builds a catalogue and
asks it for a `Translator` in the reader's language. Code that cannot know
the reader (a device's status report, read later by the portal, the API or
the console) carries a `phrase("English msgid", **params)` and the reader's
translator `say`s it.

Update the catalogue after changing a text: `python -m edge.i18n`.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from edge import jalali
from edge.digits import group_thousands, to_persian_digits

LANGUAGES = ("fa", "en")
DEFAULT_LANGUAGE = "fa"
DIRECTIONS = {"fa": "rtl", "en": "ltr"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def N_(text: str) -> str:
    """Marks a string for the catalogue; translated later, where it is shown."""
    return text


def phrase(text: str, **params) -> dict:
    """Words to be said later, in the reader's language: the English msgid and
    its parameters, JSON-ready (a parameter may be a phrase itself)."""
    return {"text": text, "params": params}


def is_phrase(value) -> bool:
    return isinstance(value, dict) and set(value) == {"text", "params"}


def pick_language(header: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The first supported language of an Accept-Language header."""
    if not header:
        return default
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return default


class Translator:
    """Texts, numbers and dates in one language."""

    def __init__(self, lang: str, translations: NullTranslations):
        self.lang = lang
        self._translations = translations

    def gettext(self, text: str, **params) -> str:
        translated = self._translations.gettext(text)
        return translated % params if params else translated

    def ngettext(self, singular: str, plural: str, count: int, **params) -> str:
        translated = self._translations.ngettext(singular, plural, count)
        params.setdefault("num", count)
        return translated % params

    def say(self, said: dict) -> str:
        """A `phrase(...)` in this language, its numbers in this language's digits."""
        return self.gettext(said["text"], **{name: self._said(value)
                                             for name, value in said["params"].items()})

    def _said(self, value):
        if is_phrase(value):
            return self.say(value)
        return self.digits(value) if isinstance(value, int) and not isinstance(value, bool) else value

    # Jinja's new-style gettext fills placeholders itself (escaping them), so it
    # gets these plain look-ups.
    def lookup(self, text: str) -> str:
        return self._translations.gettext(text)

    def lookup_plural(self, singular: str, plural: str, count: int) -> str:
        return self._translations.ngettext(singular, plural, count)

    def digits(self, value) -> str:
        """Persian digits in Persian, ASCII in English."""
        return to_persian_digits(str(value)) if self.lang == "fa" else str(value)

    def rials(self, amount: int | None) -> str:
        if amount is None:
            return "—"
        return self.gettext("%(amount)s rials", amount=group_thousands(int(amount), self.lang))

    def date_and_time(self, moment: datetime | None) -> str:
        return jalali.format_datetime(moment, self.lang) if moment else "—"


# The msgids are English, so English needs no catalogue file.
ENGLISH = Translator("en", NullTranslations())


class MessageCatalogue:
    """The compiled .po files of one folder: a `Translator` per language."""

    def __init__(self, folder: Path = TRANSLATIONS):
        self._translators = {lang: Translator(lang, _compiled(lang, folder))
                             for lang in LANGUAGES if lang != "en"}
        self._translators["en"] = ENGLISH

    def translator(self, lang: str | None) -> Translator:
        """The reader's translator; an unknown language reads Persian, the box's first."""
        return self._translators.get(lang or DEFAULT_LANGUAGE,
                                     self._translators[DEFAULT_LANGUAGE])


def po_path(lang: str, folder: Path = TRANSLATIONS) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(lang: str, folder: Path) -> NullTranslations:
    path = po_path(lang, folder)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


# --- keeping the catalogue up to date -------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# Every product package whose texts people read; the templates are the portal's.
SOURCES = ("edge", "hardware", "sync_agent", "web", "appliance", "provisioning")
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {"phrase": None}    # beside gettext's own (_, gettext, ngettext, N_, ...)


def extract_messages(root: Path = ROOT) -> dict[str | tuple, list[str]]:
    """{msgid (or (singular, plural)): [where]} of every string people read."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    found: dict = {}
    for package in SOURCES:
        if not (root / package).is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(root / package), METHOD_MAP, keywords={**DEFAULT_KEYWORDS, **KEYWORDS},
                options_map={"templates/**.html": {"encoding": "utf-8"}}):
            key = message if isinstance(message, str) else tuple(message[:2])
            found.setdefault(key, []).append(f"{package}/{filename}:{lineno}")
    return found


def update_catalogue(lang: str = "fa", folder: Path = TRANSLATIONS,
                     root: Path = ROOT) -> list:
    """Add new msgids to the .po (untranslated), drop the vanished ones; returns
    the msgids that still need a translation. Run: python -m edge.i18n"""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = po_path(lang, folder)
    old = {}
    if path.exists():
        with path.open("rb") as source:
            old = {message.id: message.string for message in read_po(source, locale=lang)
                   if message.id}
    catalog = Catalog(locale=lang, project="Pishkhan Edge", charset="utf-8", fuzzy=False,
                      header_comment="# Persian catalogue of Pishkhan Edge (portal, API, "
                      "console, SMS). Update with: python -m edge.i18n")
    for key, places in sorted(extract_messages(root).items(), key=lambda item: str(item[0])):
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
