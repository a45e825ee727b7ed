"""The day book's own tables: which business day each intake counts in, the
card payments with their bank references, and the day closes."""

from __future__ import annotations

from peewee import CharField, DateField, ForeignKeyField, IntegerField

from edge.db import run_sql
from edge.fields import JsonField, UtcDateTimeField
from edge.models import BaseModel, Intake, User

NAME = "daybook"


class IntakeDay(BaseModel):
    """The business day an intake counts in, fixed when it is written."""
    intake = ForeignKeyField(Intake, primary_key=True)
    business_day = DateField()   # the Gregorian date of the Iran-time day

    class Meta:
        table_name = "intake_day"


class CardPayment(BaseModel):
    """A card payment's terminal reference (RRN) and the card's last four
    digits; one RRN once per business day."""
    intake = ForeignKeyField(Intake, primary_key=True)
    business_day = DateField()
    rrn = CharField()
    card_last4 = CharField()

    class Meta:
        table_name = "card_payment"


class DayClose(BaseModel):
    """A closed business day (Z): its totals as they were at the close."""
    business_day = DateField(primary_key=True)
    closed_at = UtcDateTimeField()
    hlc = IntegerField()
    closed_by = ForeignKeyField(User)
    cash_counted_rials = IntegerField()
    totals = JsonField()

    class Meta:
        table_name = "day_close"


_V1_DAYS_CARDS_CLOSES = run_sql(
    """CREATE TABLE intake_day (
        intake_id INTEGER PRIMARY KEY REFERENCES intake (id),
        business_day TEXT NOT NULL)""",
    "CREATE INDEX intake_day_business_day ON intake_day (business_day)",
    """CREATE TABLE card_payment (
        intake_id INTEGER PRIMARY KEY REFERENCES intake (id),
        business_day TEXT NOT NULL,
        rrn TEXT NOT NULL CHECK (length(rrn) = 12),
        card_last4 TEXT NOT NULL CHECK (length(card_last4) = 4),
        UNIQUE (business_day, rrn))""",
    """CREATE TABLE day_close (
        business_day TEXT PRIMARY KEY,
        closed_at TEXT NOT NULL,
        hlc INTEGER NOT NULL,
        closed_by_id INTEGER NOT NULL REFERENCES users (id),
        cash_counted_rials INTEGER NOT NULL CHECK (cash_counted_rials >= 0),
        totals TEXT NOT NULL)""",
)

MIGRATIONS = [_V1_DAYS_CARDS_CLOSES]
MODELS = (IntakeDay, CardPayment, DayClose)
