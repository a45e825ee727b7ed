"""The gateway's refusals: each carries an HTTP status and a one-line reason."""

from __future__ import annotations


class GatewayError(Exception):
    """A refusal with an HTTP status and a one-line reason for people."""
    status = 400
    code = "bad_request"

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status or self.status
        self.code = code or self.code


class NotEnrolled(GatewayError):
    status, code = 403, "not_enrolled"
