"""The API's request and response bodies, as JSON Schema."""

from __future__ import annotations

from edge import intake
from edge.cancellation.rules import REASONS
from edge.models import INTAKE_STATUSES, PAYMENT_METHODS

# The statuses a request may ask for: those some transition leads to, but
# `cancelled`, which is asked for at /cancel with a reason.
TARGET_STATUSES = [status for status in INTAKE_STATUSES if status != "cancelled"
                   and any(status in targets for targets in intake.TRANSITIONS.values())]

TOKEN_REQUEST = {
    "type": "object",
    "required": ["username", "password"],
    "additionalProperties": False,
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 64},
        "password": {"type": "string", "minLength": 1, "maxLength": 256},
    },
}

INTAKE_REQUEST = {
    "type": "object",
    "required": ["service_code", "national_code", "full_name", "mobile", "payment"],
    "additionalProperties": False,
    "properties": {
        "service_code": {"type": "string", "minLength": 1, "maxLength": 32},
        "national_code": {"type": "string", "minLength": 1, "maxLength": 20,
                          "description": "10 digits; Persian and Arabic-Indic digits accepted"},
        "full_name": {"type": "string", "minLength": 1, "maxLength": intake.MAX_NAME},
        "mobile": {"type": "string", "minLength": 1, "maxLength": 20,
                   "description": "09xxxxxxxxx, +989xxxxxxxxx or 00989xxxxxxxxx"},
        "fields": {"type": "object", "maxProperties": 20,
                   "additionalProperties": {"type": "string", "maxLength": intake.MAX_FIELD},
                   "description": "the service's own fields, by name"},
        "payment": {
            "type": "object",
            "required": ["method"],
            "additionalProperties": False,
            "properties": {
                "method": {"type": "string", "enum": list(PAYMENT_METHODS)},
                "reference": {"type": "string", "maxLength": intake.MAX_REFERENCE},
            },
        },
        "location": {"type": "string", "maxLength": intake.MAX_LOCATION},
    },
}

STATUS_REQUEST = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": TARGET_STATUSES},
    },
}

CANCEL_REQUEST = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {
        "reason": {"type": "string", "enum": list(REASONS)},
        "note": {"type": "string", "maxLength": intake.MAX_FIELD,
                 "description": "the reason in words; required with reason 'other'"},
    },
}

DECISION_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"note": {"type": "string", "maxLength": intake.MAX_FIELD}},
}

CANCELLATION = {
    "type": "object",
    "description": "an operator's request to cancel, and its decision",
    "properties": {
        "id": {"type": "integer"}, "tracking_code": {"type": "string"},
        "reason": {"type": "string", "enum": list(REASONS)}, "note": {"type": "string"},
        "state": {"type": "string", "enum": ["pending", "approved", "refused"]},
        "requested_by": {"type": "string"}, "requested_at": {"type": "string"},
        "decided_by": {"type": ["string", "null"]}, "decided_at": {"type": ["string", "null"]},
        "decision_note": {"type": "string"},
    },
}

REVERSAL = {
    "type": "object",
    "description": "an approved cancellation: the fee given back, dated when approved",
    "properties": {
        "tracking_code": {"type": "string"}, "amount_rials": {"type": "integer"},
        "payment": {"type": "object"}, "reason": {"type": "string"}, "note": {"type": "string"},
        "approved_by": {"type": "string"}, "approved_at": {"type": "string"},
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": "string"}},
    }},
}

INTAKE = {
    "type": "object",
    "properties": {name: {"type": kind} for name, kind in [
        ("tracking_code", "string"), ("service_code", "string"), ("service_name", "string"),
        ("fee_rials", "integer"), ("tariff_version", "string"), ("national_code", "string"),
        ("full_name", "string"), ("mobile", "string"), ("fields", "object"),
        ("payment", "object"), ("status", "string"), ("created_at", "string"),
        ("operator", "string"), ("history", "array"), ("location", "string")]} | {
        "cancellation": {"description": "the latest cancellation request (with the history)",
                         "oneOf": [{"$ref": "#/components/schemas/Cancellation"},
                                   {"type": "null"}]},
        "reversal": {"description": "the reversal, once cancelled (with the history)",
                     "oneOf": [{"$ref": "#/components/schemas/Reversal"}, {"type": "null"}]}},
}

SERVICE = {
    "type": "object",
    "properties": {name: {"type": kind} for name, kind in [
        ("code", "string"), ("name", "string"), ("name_fa", "string"), ("name_en", "string"),
        ("agency", "string"), ("fee_rials", "integer"), ("tariff_version", "string"),
        ("sla_hours", "integer"), ("confidential", "boolean"), ("fields", "array")]},
}
