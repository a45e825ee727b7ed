"""The console's words, through the box's one catalogue (`edge.i18n`):
English msgids, Persian from `edge/translations`, numbers in the reader's
digits.

Serial terminals differ: minicom on a UTF-8 laptop shows Persian, an old
PuTTY or a bare VT100 does not. English is the ASCII fallback, and in that
mode anything non-ASCII (an office's Persian name) is shown escaped rather
than as mojibake."""

from __future__ import annotations

from typing import Any

from edge.i18n import LANGUAGES, MessageCatalogue, Translator, is_phrase, phrase


class Texts:
    """`texts.gettext("Logged out.")` in the session's language, which may change."""

    def __init__(self, catalogue: MessageCatalogue, lang: str = "fa"):
        self.catalogue = catalogue
        self.lang = lang

    @property
    def lang(self) -> str:
        return self._translator.lang

    @lang.setter
    def lang(self, lang: str) -> None:
        self._translator: Translator = self.catalogue.translator(lang if lang in LANGUAGES else None)

    def gettext(self, msgid: str, **params: Any) -> str:
        return self._translator.say(phrase(msgid, **params))

    def words(self, said: Any) -> str:
        """A device's words: a phrase, or the older {"en", "fa"} pair."""
        if is_phrase(said):
            return self._translator.say(said)
        return said.get(self.lang, "") if isinstance(said, dict) else str(said or "")

    def for_terminal(self, text: str) -> bytes:
        """What the terminal is sent: UTF-8, or pure ASCII in English mode."""
        if self.lang == "fa":
            return text.encode("utf-8")
        return text.encode("ascii", "backslashreplace")
