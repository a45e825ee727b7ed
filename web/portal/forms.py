"""Helpers for forms that come back with the operator's input kept and each
problem written next to its field."""

from __future__ import annotations

from edge.errors import EdgeError
from edge.messages import text
from web.portal.i18n import translator


def say(code: str, **params) -> str:
    """A domain message in the page's language, numbers in its digits."""
    reader = translator()
    params = {name: reader.digits(value) if isinstance(value, int) else value
              for name, value in params.items()}
    return text(code, reader, **params)


def message_for(error: EdgeError, label: str | None = None) -> str:
    """The error in the page's language, naming the field by its label."""
    params = dict(error.params)
    if label is not None:
        params["field"] = label
    return say(error.code, **params)


class FieldErrors(dict):
    """{field name: message}; `check(name, label, fn, *args)` runs one rule."""

    def check(self, name: str, label: str, rule, *args):
        try:
            return rule(*args)
        except EdgeError as error:
            self[name] = message_for(error, label)
            return None

    def add(self, error: EdgeError, labels: dict[str, str]) -> None:
        name = error.field or "form"
        self[name] = message_for(error, labels.get(name))
