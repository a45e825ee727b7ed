"""The API's request and response bodies, as JSON Schema."""

from __future__ import annotations

from edge import intake
from edge.cancellation.rules import REASONS
from edge.models import INTAKE_STATUSES, PAYMENT_METHODS
from edge.sla.rules import STATES as SLA_STATES

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
                "reference": {"type": "string", "maxLength": intake.MAX_REFERENCE,
                              "description": "card: the terminal's RRN, 12 digits (Persian "
                                             "digits accepted), once per business day"},
                "card_last4": {"type": "string", "maxLength": 8,
                               "description": "card: the card's last four digits"},
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

DAY_CLOSE_REQUEST = {
    "type": "object",
    "required": ["cash_counted_rials"],
    "additionalProperties": False,
    "properties": {
        "cash_counted_rials": {"type": "integer", "minimum": 0,
                               "description": "the cash counted in the drawer, in rials"},
    },
}

_RIALS = {"type": "integer"}
DAY_TOTALS = {
    "type": "object",
    "description": "a business day's totals; amounts in integer rials",
    "properties": {
        "date": {"type": "string", "description": "Jalali, e.g. 1405/09/11"},
        "closed": {"type": "boolean"},
        "intakes": {"type": "integer"}, "fees_rials": _RIALS,
        "services": {"type": "array", "description": "intakes and fees per service"},
        "payments": {"type": "object", "description": "cash and card; every card payment "
                                                      "with its RRN and the card's last four"},
        "operators": {"type": "array", "description": "per operator"},
        "reversals": {"type": "object", "description": "approved cancellations' fees"},
        "cash_expected_rials": _RIALS, "card_net_rials": _RIALS,
        "cash_counted_rials": _RIALS, "difference_rials": _RIALS,
        "closed_at": {"type": "string"}, "closed_by": {"type": "string"},
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
        ("operator", "string"), ("history", "array"), ("location", "string")]}
    | {"sla": {"type": ["object", "null"], "description": "the service level now (detail only; "
               "null when cancelled)", "properties": {
                   "due_at": {"type": "string"},
                   "state": {"enum": list(SLA_STATES)},
                   "paused": {"type": "boolean"}}},
       "masked": {"type": "boolean", "description": "a confidential service's intake: true "
                  "when its personal fields are shown masked (the role may not see them)"},
       "rating": {"type": ["object", "null"], "description": "the citizen's rating, or null",
                  "properties": {"service": {"type": "integer", "minimum": 1, "maximum": 5},
                                 "staff": {"type": ["integer", "null"], "minimum": 1,
                                           "maximum": 5},
                                 "channel": {"type": "string", "enum": ["sms", "counter"]},
                                 "at": {"type": "string"}}},
       "sms": {"type": "array", "description": "the texts sent to the citizen about it "
                                               "(one intake only)",
               "items": {"type": "object", "properties": {
                   "kind": {"type": "string", "enum": ["tracking_code", "done", "cancelled"]},
                   "state": {"type": "string",
                             "enum": ["queued", "sending", "sent", "delivered", "failed"]},
                   "at": {"type": "string", "description": "when it reached that state"},
                   "reason": {"type": ["string", "null"],
                              "description": "why it failed (or the last try did)"}}}},
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
