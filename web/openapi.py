"""`/api/v1/openapi.json`, built from the same schemas the API enforces."""

from __future__ import annotations

from edge import __version__
from edge.models import INTAKE_STATUSES
from web import json_schemas
from web.paging import MAX_PAGE, MAX_PER_PAGE

BEARER = [{"bearer": []}]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    names = {400: "bad input", 401: "not logged in", 403: "role not allowed",
             404: "not found", 409: "conflicts with the current state",
             422: "the Idempotency-Key was used before with another body",
             429: "too many failed logins: wait the seconds the message says"}
    return {str(status): _json({"$ref": "#/components/schemas/Error"}, names[status])
            for status in statuses}


def _operation(summary: str, ok: tuple[int, dict, str], body: dict | None = None,
               errors=(400, 401, 403), auth=True, parameters=()) -> dict:
    status, schema, description = ok
    operation = {"summary": summary, "responses": {str(status): _json(schema, description),
                                                    **_errors(*errors)}}
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    if auth:
        operation["security"] = BEARER
    if parameters:
        operation["parameters"] = list(parameters)
    return operation


def _no_content(summary: str, description: str, errors=()) -> dict:
    return {"summary": summary, "security": BEARER,
            "responses": {"204": {"description": description}, **_errors(*errors)}}


def _also_answers(operation: dict, status: int, schema: dict, description: str) -> dict:
    """An operation with a second success answer."""
    operation["responses"][str(status)] = _json(schema, description)
    return operation


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


# What the server reads as a tracking code: Crockford base32 in any case, with
# spaces or hyphens, Persian digits; the check character is not a pattern.
TRACKING_CODE = {"type": "string", "pattern": "^[0-9A-Za-z۰-۹٠-٩ -]{8,40}$"}
JALALI_DAY = {"type": "string", "pattern": "^[0-9۰-۹]{4}/[0-9۰-۹]{1,2}/[0-9۰-۹]{1,2}$"}

_CODE = {"name": "code", "in": "path", "required": True, "schema": TRACKING_CODE,
         "description": "tracking code, e.g. K7Q2-MX04-F7"}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False, "schema": {
        "type": "string", "maxLength": 255},
    "description": "one key per submission (IETF httpapi draft); kept 24 hours"}
_REQUEST_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"},
               "description": "a cancellation request's number"}
_INTAKE_REF = {"$ref": "#/components/schemas/Intake"}

PATHS = {
    "/api/v1/health": {"get": _operation(
        "Health of the box (no login)", (200, {"type": "object"}, "the box is up"),
        errors=(), auth=False)},
    "/api/v1/openapi.json": {"get": _operation(
        "This document", (200, {"type": "object"}, "OpenAPI 3.1"), errors=(), auth=False)},
    "/api/v1/tokens": {"post": _operation(
        "Log in: a bearer token for the API",
        (201, {"type": "object", "properties": {"token": {"type": "string"}}}, "logged in"),
        body=json_schemas.TOKEN_REQUEST, errors=(400, 401, 429), auth=False),
        "delete": _no_content("Log out: the caller's own token stops working at once",
                              "revoked", errors=(401,))},
    "/api/v1/services": {"get": _operation(
        "The catalogue with the fee now in force",
        (200, {"type": "object", "properties": {"services": {
            "type": "array", "items": {"$ref": "#/components/schemas/Service"}}}}, "catalogue"),
        errors=(401, 403))},
    "/api/v1/intakes": {
        "post": _operation(
            "Take a service request; a retry with the same Idempotency-Key and body gets "
            "the first answer", (201, _INTAKE_REF, "committed"),
            body=json_schemas.INTAKE_REQUEST, errors=(400, 401, 403, 422),
            parameters=[_IDEMPOTENCY_KEY]),
        "get": _operation(
            "Search intakes, newest first",
            (200, {"type": "object", "properties": {
                "intakes": {"type": "array", "items": _INTAKE_REF},
                "total": {"type": "integer"}}}, "a page of intakes"),
            parameters=[_query("tracking_code", "exact tracking code", TRACKING_CODE),
                        _query("national_code", "exact national code"),
                        _query("mobile", "exact mobile number"),
                        _query("service_code", "service code"),
                        _query("status", "one status",
                               {"type": "string", "enum": list(INTAKE_STATUSES)}),
                        _query("from", "first Jalali day, e.g. 1405/09/01", JALALI_DAY),
                        _query("to", "last Jalali day, inclusive", JALALI_DAY),
                        _query("page", "page number from 1",
                               {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
                        _query("per_page", "intakes a page",
                               {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE})])},
    "/api/v1/intakes/{code}": {"get": _operation(
        "One intake with its status history", (200, _INTAKE_REF, "the intake"),
        errors=(400, 401, 403, 404), parameters=[_CODE])},
    "/api/v1/intakes/{code}/status": {"post": _operation(
        "Move an intake on (received, in progress, done); cancelling is /cancel",
        (200, _INTAKE_REF, "changed"),
        body=json_schemas.STATUS_REQUEST, errors=(400, 401, 403, 404, 409), parameters=[_CODE])},
    "/api/v1/day-close": {"post": _operation(
        "Close today's business day (Z) with the cash counted; once a day (supervisor)",
        (201, {"$ref": "#/components/schemas/DayTotals"}, "closed: the day's totals"),
        body=json_schemas.DAY_CLOSE_REQUEST, errors=(400, 401, 403, 409))},
    "/api/v1/reports/day": {"get": _operation(
        "A business day's totals: as closed, or running (X) while open (supervisor)",
        (200, {"$ref": "#/components/schemas/DayTotals"}, "the day's totals"),
        errors=(400, 401, 403),
        parameters=[_query("date", "Jalali day, e.g. 1405/09/11; today's by default",
                           JALALI_DAY)])},
    "/api/v1/intakes/{code}/cancel": {"post": _also_answers(_operation(
        "Cancel an intake with a reason from the list: a supervisor's cancellation is done "
        "at once (200, with its reversal); an operator's waits for a supervisor (202, with "
        "the pending request)", (200, _INTAKE_REF, "cancelled"), body=json_schemas.CANCEL_REQUEST,
        errors=(400, 401, 403, 404, 409), parameters=[_CODE]),
        202, _INTAKE_REF, "asked a supervisor")},
    "/api/v1/cancellations": {"get": _operation(
        "Cancellation requests waiting for a supervisor, oldest first (supervisor)",
        (200, {"type": "object", "properties": {"cancellations": {
            "type": "array", "items": {"$ref": "#/components/schemas/Cancellation"}}}},
         "pending requests"), errors=(401, 403))},
    "/api/v1/cancellations/{id}/approve": {"post": _operation(
        "Approve a cancellation request: the intake is cancelled and its fee reversed, "
        "dated now (supervisor)", (200, _INTAKE_REF, "cancelled"),
        body=json_schemas.DECISION_REQUEST, errors=(400, 401, 403, 404, 409),
        parameters=[_REQUEST_ID])},
    "/api/v1/cancellations/{id}/refuse": {"post": _operation(
        "Refuse a cancellation request: the intake stays as it is (supervisor)",
        (200, _INTAKE_REF, "refused"), body=json_schemas.DECISION_REQUEST,
        errors=(400, 401, 403, 404, 409), parameters=[_REQUEST_ID])},
    "/api/v1/sync": {"get": _operation(
        "Queue depth, oldest unsent age, last success", (200, {"type": "object"}, "sync state"),
        errors=(401, 403))},
}


def document(app=None) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pishkhan Edge box API", "version": __version__,
                 "description": "Errors are {\"error\": {\"code\", \"message\", \"field\"}}, "
                                "the message in the request's language (Accept-Language or "
                                "?lang=fa|en; Persian by default)."},
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": json_schemas.ERROR, "Intake": json_schemas.INTAKE,
                        "Service": json_schemas.SERVICE, "DayTotals": json_schemas.DAY_TOTALS,
                        "Cancellation": json_schemas.CANCELLATION,
                        "Reversal": json_schemas.REVERSAL},
        },
    }
