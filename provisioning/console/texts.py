"""The console's words: English msgids, Persian from the gettext catalogue
(`translations/fa/LC_MESSAGES/console.po`, read at start, no build step).

Serial terminals differ: minicom on a UTF-8 laptop shows Persian, an old
PuTTY or a bare VT100 does not. English is the ASCII fallback, and in that
mode anything non-ASCII (an office's Persian name) is shown escaped rather
than as mojibake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from edge.digits import to_persian_digits

CATALOGUE = Path(__file__).resolve().parent / "translations" / "fa" / "LC_MESSAGES" / "console.po"
LANGUAGES = ("fa", "en")


def load_persian(path: Path = CATALOGUE) -> dict[str, str]:
    with path.open("rb") as source:
        catalog = read_po(source, locale="fa")
    return {message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and message.string}


class Texts:
    """`texts("Wrong password")` in the session's language."""

    def __init__(self, persian: dict[str, str], lang: str = "fa"):
        self.persian = persian
        self.lang = lang if lang in LANGUAGES else "fa"

    def __call__(self, msgid: str, **params: Any) -> str:
        if self.lang == "fa":
            template = self.persian.get(msgid, msgid)
            params = {key: to_persian_digits(value) if isinstance(value, int) else value
                      for key, value in params.items()}
        else:
            template = msgid
        return template % params if params else template

    def for_terminal(self, text: str) -> bytes:
        """What the terminal is sent: UTF-8, or pure ASCII in English mode."""
        if self.lang == "fa":
            return text.encode("utf-8")
        return text.encode("ascii", "backslashreplace")
