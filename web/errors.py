"""One error handler for the whole app: domain errors carry their HTTP status;
the API answers JSON, in the request's language; nothing leaks a traceback."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from edge.errors import EdgeError
from edge.i18n import LANGUAGES, Translator, pick_language
from edge.messages import text

log = logging.getLogger(__name__)

_HTTP_CODES = {404: "route.not_found", 405: "method.not_allowed", 413: "body.too_large",
               400: "body.not_json"}


def request_language() -> str:
    """?lang=, else the portal's choice, else Accept-Language, else the box's setting."""
    chosen = request.args.get("lang") or getattr(g, "lang", None)
    if chosen in LANGUAGES:
        return chosen
    return pick_language(request.headers.get("Accept-Language"),
                         current_app.config.get("DEFAULT_LANGUAGE", "fa"))


def request_translator() -> Translator:
    return current_app.extensions["message_catalogue"].translator(request_language())


def error_body(code: str, message: str, field: str | None = None) -> dict:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return {"error": error}


def json_error(status: int, code: str, field: str | None = None, /, **params):
    return jsonify(error_body(code, text(code, request_translator(), **params), field)), status


def wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask, html_renderer=None) -> None:
    """`html_renderer(status, code, message)` renders errors of portal pages."""

    def render(status: int, code: str, field=None, /, **params):
        if wants_json() or html_renderer is None:
            return json_error(status, code, field, **params)
        return html_renderer(status, code, text(code, request_translator(), **params))

    @app.errorhandler(EdgeError)
    def domain_error(error: EdgeError):
        return render(error.status, error.code, error.field, **error.params)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return render(status, _HTTP_CODES.get(status, "internal"))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render(500, "internal")
