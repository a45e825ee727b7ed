"""`/v1/openapi.json`: the gateway's routes, as tight as the server checks them.

The limits the server enforces are defined here once and used by gateway.app,
so the document cannot promise less (or more) than the server does.
"""

from __future__ import annotations

from wire.batch import MAX_DEVICE_ID
from wire.device_tag import ALPHABET, TAG_LENGTH

MAX_BODY = 16 << 20          # bytes in one request (a batch of up to 10,000 records)
FEED_LIMIT = 1000            # records (or batches) in one feed page at most
FEED_DEFAULT = 100
MAX_DIGITS = 18              # a cursor or a version: a whole number that fits 64 bits

ERROR_CODES = (
    "bad_request", "malformed", "bad_parameter", "bad_signature", "unauthorized",
    "not_enrolled", "unknown_office", "token_unknown", "token_used", "token_expired",
    "device_enrolled", "tag_taken", "not_found", "method_not_allowed", "too_large", "busy",
    "http", "internal",
)

_WHOLE = {"type": "integer", "minimum": 0, "maximum": 10 ** MAX_DIGITS - 1}
_CURSOR = {"type": "string", "pattern": f"^[0-9]{{1,{MAX_DIGITS}}}$"}
_DEVICE = {"type": "string", "minLength": 1, "maxLength": MAX_DEVICE_ID}
_TAG = {"type": "string", "pattern": f"^[{ALPHABET}]{{{TAG_LENGTH}}}$"}
_KEY = {"type": "string", "format": "byte", "pattern": "^[A-Za-z0-9+/]{43}=$",
        "description": "a raw 32-byte public key, base64"}
_TIME = {"type": "string", "format": "date-time"}
_STATUSES = {200: "done", 204: "nothing newer", 400: "malformed input", 401: "API key missing or wrong",
             403: "not enrolled, bad signature or token refused", 404: "no such thing",
             409: "enrolled already or tag taken", 413: "body too large", 503: "busy, try again"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _answers(ok: dict | None, *refusals: int, ok_status: int = 200) -> dict:
    answers = {str(ok_status): {"description": _STATUSES[ok_status], **(ok or {})}}
    for status in refusals:
        answers[str(status)] = {"description": _STATUSES[status],
                                **_json({"$ref": "#/components/schemas/Error"})}
    return answers


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


def _page(items_name: str, item: dict) -> dict:
    return {"type": "object", "required": [items_name, "next"], "properties": {
        items_name: {"type": "array", "maxItems": FEED_LIMIT, "items": item}, "next": _CURSOR}}


_PAGE_PARAMETERS = [
    _query("after", _WHOLE, "the `next` of the previous page; 0 or absent: from the start"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": FEED_LIMIT,
                     "default": FEED_DEFAULT}, "most items in the page"),
]
_CENTRAL = [{"apiKey": []}]

_RECORD = {"type": "object", "properties": {
    "id": {"type": "integer", "minimum": 1}, "device": _DEVICE, "office": {"type": "string"},
    "seq": {"type": "integer", "minimum": 1}, "type": {"type": "string", "maxLength": 64},
    "hlc": {"type": "integer", "minimum": 0}, "created_at": {"type": "string", "maxLength": 40},
    "payload": {"type": "object", "description": "the event, opened; an intake's has tracking_code"},
    "batch": {"type": "integer"}, "received_at": _TIME}}
_BATCH = {"type": "object", "properties": {
    "id": {"type": "integer", "minimum": 1}, "device": _DEVICE, "office": {"type": "string"},
    "received_at": _TIME, "sent_at": _TIME, "first_seq": {"type": "integer", "minimum": 1},
    "last_seq": {"type": "integer", "minimum": 1}, "new_records": {"type": "integer", "minimum": 0},
    "conflicts": {"type": "integer", "minimum": 0},
    "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}

# The same upload under two paths: /b is the one boxes use (9 bytes fewer on
# every exchange), /v1/batches the one boxes before it used.
_BATCH_UPLOAD = {
    "summary": "Upload a batch of consecutive sealed records, HMAC-tagged or "
               "device-signed (wire.batch)",
    "parameters": [_query("resume", {"type": "string", "enum": ["1"]},
                          "the box keeps no record before this batch: a gap before it is "
                          "accepted (after the gateway's database was restored)")],
    "requestBody": {"required": True, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary", "maxLength": MAX_BODY}}}},
    "responses": _answers({"content": {"application/octet-stream": {"schema": {
        "type": "string", "format": "binary",
        "description": "the authenticated acknowledgement (wire.ack)"}}}},
        400, 403, 413, 503)}

PATHS = {
    "/v1/health": {"get": {"summary": "The gateway is up; its time", "responses": _answers(_json({
        "type": "object", "required": ["status", "time_ms"], "properties": {
            "status": {"type": "string", "enum": ["ok"]}, "time_ms": {"type": "integer"}}}))}},
    "/v1/openapi.json": {"get": {"summary": "This document", "responses": _answers(
        _json({"type": "object"}))}},
    "/v1/enroll": {"post": {
        "summary": "Enrol a box with a one-time token issued for its office",
        "requestBody": {"required": True, **_json({
            "type": "object", "required": ["token", "device", "signing_key", "exchange_key",
                                           "signature"],
            "properties": {
                "token": {"type": "string", "minLength": 1},
                "device": _DEVICE, "signing_key": _KEY, "exchange_key": _KEY,
                "signature": {"type": "string", "format": "byte", "pattern": "^[A-Za-z0-9+/]{86}==$",
                              "description": "Ed25519 over the request by signing_key, base64"}}})},
        "responses": _answers(_json({
            "type": "object", "properties": {
                "device": _DEVICE, "tag": _TAG, "office": {"type": "string"},
                "office_name": {"type": "string"}, "time_ms": {"type": "integer"},
                "centre_key": _KEY, "exchange_key": _KEY,
                "answer_signature": {"type": "string", "format": "byte"}}}),
            400, 403, 409, 413)}},
    "/v1/batches": {"post": _BATCH_UPLOAD},
    "/b": {"post": _BATCH_UPLOAD},
    "/v1/bundle": {"get": {
        "summary": "The signed bundle for the device's office, when newer than `have`",
        "parameters": [
            _query("device", _DEVICE, "the enrolled device's id", required=True),
            _query("have", _WHOLE, "the version the box holds"),
            _query("tag", {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$"},
                   "HMAC of the request with the key box and gateway share", required=True)],
        "responses": {**_answers(_json({"type": "object", "required": ["bundle", "signature"],
                                        "properties": {"bundle": {"type": "object"},
                                                       "signature": {"type": "string",
                                                                     "format": "byte"}}}),
                                 400, 403),
                      "204": {"description": _STATUSES[204]}}}},
    "/v1/feed": {"get": {
        "summary": "Every record once, opened, in gateway order", "security": _CENTRAL,
        "parameters": _PAGE_PARAMETERS,
        "responses": _answers(_json(_page("records", _RECORD)), 400, 401)}},
    "/v1/feed/batches": {"get": {
        "summary": "The batches the records came in", "security": _CENTRAL,
        "parameters": _PAGE_PARAMETERS,
        "responses": _answers(_json(_page("batches", _BATCH)), 400, 401)}},
    "/v1/conflicts": {"get": {
        "summary": "Records a device sent again with other content, kept aside", "security": _CENTRAL,
        "responses": _answers(_json({"type": "object", "properties": {
            "conflicts": {"type": "array", "items": {"type": "object"}}}}), 401)}},
    "/v1/devices": {"get": {
        "summary": "Enrolled devices", "security": _CENTRAL,
        "responses": _answers(_json({"type": "object", "properties": {
            "devices": {"type": "array", "items": {"type": "object", "properties": {
                "device": _DEVICE, "tag": _TAG, "office": {"type": "string"},
                "held_seq": {"type": "integer", "minimum": 0},
                "pulled_seq": {"type": "integer", "minimum": 0},
                "conflicts": {"type": "integer", "minimum": 0}}}}}}), 401)}},
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pishkhan Edge gateway", "version": "1"},
        "paths": PATHS,
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                           "description": "a key from `edge-gateway apikey issue`"}},
            "schemas": {"Error": {
                "type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string", "enum": list(ERROR_CODES)},
                        "message": {"type": "string"}}}}}},
        },
    }
