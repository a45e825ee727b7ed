"""Domain errors: a code, the field it concerns, and an HTTP status.

The message is looked up by code in `edge.messages` through the reader's
translator, so the same error reads well in the API, the portal and the console.
"""

from __future__ import annotations

from typing import Any

from edge import messages
from edge.i18n import ENGLISH, Translator


class EdgeError(Exception):
    """Root of the box's own errors."""

    status = 400

    def __init__(self, code: str, field: str | None = None, /, **params: Any):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def message(self, translator: Translator) -> str:
        return messages.text(self.code, translator, **self.params)

    def __str__(self) -> str:
        return self.message(ENGLISH)   # msgids are English: str() needs no catalogue


class InvalidInput(EdgeError, ValueError):
    status = 400


class Unprocessable(EdgeError):
    """Well-formed, but cannot be done as asked (an idempotency key reused
    with another request)."""
    status = 422


class NotFound(EdgeError, LookupError):
    status = 404


class Conflict(EdgeError):
    status = 409


class Forbidden(EdgeError, PermissionError):
    status = 403


class Unauthorized(EdgeError, PermissionError):
    status = 401


class Throttled(EdgeError):
    status = 429
