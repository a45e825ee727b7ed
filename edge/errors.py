"""Domain errors: a code, the field it concerns, and an HTTP status.

The message is looked up by code in `edge.messages` in the reader's language,
so the same error reads well in the API, the portal and the console.
"""

from __future__ import annotations

from typing import Any

from edge import messages


class EdgeError(Exception):
    """Root of the box's own errors."""

    status = 400

    def __init__(self, code: str, field: str | None = None, /, **params: Any):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def message(self, lang: str = "fa") -> str:
        return messages.text(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


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
