"""How the box compares Persian text people type: one rule for the service
catalogue's filter and the search of intakes by name.

Keyboards differ: an Arabic keyboard types ي and ك where a Persian one types
ی and ک, and a name is written with a half-space (ZWNJ), a space or nothing
between its parts ("محمد‌رضا", "محمد رضا", "محمدرضا"). Folded, they are one.
"""

from __future__ import annotations

import re
import unicodedata

from edge.digits import to_ascii_digits

_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه",
                          "أ": "ا", "إ": "ا", "آ": "ا", "\u200c": " ", "\u200f": None})
_MARKS = re.compile(r"[\u064B-\u0655\u0670\u0640]")   # Arabic diacritics, hamza above, tatweel


def fold(text: str) -> str:
    """Arabic and Persian letter forms made one, no diacritics, half-spaces as
    spaces, ASCII digits, lower case, single spaces."""
    text = unicodedata.normalize("NFC", text or "").translate(_LETTERS)
    text = _MARKS.sub("", to_ascii_digits(text))
    return " ".join(text.lower().split())


def search_key(text: str | None) -> str:
    """`text` folded, without any space: what a name is compared as, so a
    half-space, a space or none between a name's parts is all the same.
    Every store's SQLite knows it by this name (`fn.search_key` in a query)."""
    return "".join(fold(text or "").split())


def query_words(text: str) -> list[str]:
    """The words of a typed query, each to be found in a `search_key`."""
    return fold(text).split()
