"""The cancellation's tables: the operators' requests and the reversals
(approved cancellations, the money that leaves the day's total). Append
migrations, never edit a released one."""

from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from edge.db import run_sql
from edge.fields import UtcDateTimeField
from edge.models import BaseModel, Intake, User

NAME = "edge.cancellation"

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
REQUEST_STATES = (PENDING, APPROVED, REFUSED)


class CancellationRequest(BaseModel):
    """An operator asks a supervisor to cancel an intake."""
    intake = ForeignKeyField(Intake, backref="+")
    reason = CharField()                 # one of rules.REASONS
    note = TextField(default="")
    requested_by = ForeignKeyField(User, backref="+")
    requested_at = UtcDateTimeField()
    state = CharField(default=PENDING)
    decided_by = ForeignKeyField(User, null=True, backref="+")
    decided_at = UtcDateTimeField(null=True)
    decision_note = TextField(default="")

    class Meta:
        table_name = "cancellation_request"


class Reversal(BaseModel):
    """An approved cancellation: the intake's fee given back, counted on the
    day it was approved. One per intake."""
    intake = ForeignKeyField(Intake, unique=True, backref="+")
    amount_rials = IntegerField()
    payment_method = CharField()
    payment_reference = TextField(default="")
    reason = CharField()
    note = TextField(default="")
    request = ForeignKeyField(CancellationRequest, null=True, backref="+")
    approved_by = ForeignKeyField(User, backref="+")
    approved_at = UtcDateTimeField()
    hlc = IntegerField()

    class Meta:
        table_name = "reversal"


MODELS = (CancellationRequest, Reversal)

_V1 = run_sql(
    """CREATE TABLE cancellation_request (
        id INTEGER PRIMARY KEY,
        intake_id INTEGER NOT NULL REFERENCES intake (id),
        reason TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        requested_by_id INTEGER NOT NULL REFERENCES users (id),
        requested_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'approved', 'refused')),
        decided_by_id INTEGER REFERENCES users (id),
        decided_at TEXT,
        decision_note TEXT NOT NULL DEFAULT '')""",
    # at most one open request per intake
    """CREATE UNIQUE INDEX cancellation_request_one_pending
        ON cancellation_request (intake_id) WHERE state = 'pending'""",
    "CREATE INDEX cancellation_request_state ON cancellation_request (state)",
    """CREATE TABLE reversal (
        id INTEGER PRIMARY KEY,
        intake_id INTEGER NOT NULL UNIQUE REFERENCES intake (id),
        amount_rials INTEGER NOT NULL CHECK (amount_rials >= 0),
        payment_method TEXT NOT NULL,
        payment_reference TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        request_id INTEGER REFERENCES cancellation_request (id),
        approved_by_id INTEGER NOT NULL REFERENCES users (id),
        approved_at TEXT NOT NULL,
        hlc INTEGER NOT NULL)""",
    "CREATE INDEX reversal_approved_at ON reversal (approved_at)",
)

MIGRATIONS = [_V1]
