"""Helpers for forms that come back with the operator's input kept and each
problem written next to its field."""

from __future__ import annotations

from flask import g

from edge.errors import EdgeError
from edge.messages import text


def message_for(error: EdgeError, label: str | None = None) -> str:
    """The error in the page's language, naming the field by its label."""
    params = dict(error.params)
    if label is not None:
        params["field"] = label
    return text(error.code, g.lang, **params)


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
