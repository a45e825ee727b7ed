"""The day book: the counter's money per business day.

A business day is an Iran-time calendar day, except that what happens after
the day's close (Z) counts in the next one. The day of an intake is fixed in
the intake's own write transaction, against the last close, under the
store's one writer; a close takes the same writer, so an intake made in the
minute of a close lands in exactly one of the two days.

Card payments carry the terminal's reference (RRN, 12 digits) and the card's
last four digits, so the day's card total reconciles with the bank switch;
one RRN is taken once per business day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import jdatetime

from edge import plain_sql
from edge.digits import is_ascii_number, to_ascii_digits
from edge.errors import InvalidInput
from edge.jalali import IRAN
from edge.models import Intake

RRN_DIGITS = 12
CARD_DIGITS = 4


def calendar_day(at: datetime) -> date:
    return at.astimezone(IRAN).date()


def jalali_day(day: date) -> str:
    """'1405/09/11': how the API and the day book name a business day."""
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


def day_after_closes(at: datetime, closed: date | None) -> date:
    """The business day of a moment, given the last day closed before it."""
    today = calendar_day(at)
    return max(today, closed + timedelta(days=1)) if closed else today


def business_day(store, at: datetime) -> date:
    """The business day of something written now, at `at` (call it inside
    the write transaction: the answer holds only while the writer is held)."""
    row = store.db.execute_sql("SELECT max(business_day) FROM day_close").fetchone()
    return day_after_closes(at, date.fromisoformat(row[0]) if row[0] else None)


def clean_rrn(text) -> str:
    """The terminal's reference: 12 digits, Persian or Arabic-Indic accepted."""
    digits = _digits(text)
    if not digits:
        raise InvalidInput("payment.reference_required", "payment.reference")
    if len(digits) != RRN_DIGITS or not is_ascii_number(digits):
        raise InvalidInput("payment.rrn_format", "payment.reference", digits=RRN_DIGITS)
    return digits


def clean_card_last4(text) -> str:
    digits = _digits(text)
    if len(digits) != CARD_DIGITS or not is_ascii_number(digits):
        raise InvalidInput("payment.card_last4_format", "payment.card_last4")
    return digits


def _digits(text) -> str:
    if not isinstance(text, str):
        raise InvalidInput("field.type", "payment", field="payment", type="string")
    return to_ascii_digits(text).replace(" ", "").replace("-", "")


def refuse_a_repeated_rrn(store, day: date, rrn: str) -> None:
    """A reference already taken this business day is a slip typed twice (or
    one payment for two intakes): refused on its field, naming the intake."""
    earlier = store.db.execute_sql(
        "SELECT intake.tracking_code FROM card_payment JOIN intake ON intake.id = intake_id"
        " WHERE card_payment.business_day = ? AND rrn = ?", (day.isoformat(), rrn)).fetchone()
    if earlier:
        raise InvalidInput("payment.rrn_repeated", "payment.reference", tracking_code=earlier[0])


def enter(store, intake: Intake, day: date, card_last4: str) -> None:
    """Write the intake into its business day (and its card payment);
    inside the intake's transaction."""
    plain_sql.insert(store.db, store.models.IntakeDay, {"intake": intake, "business_day": day})
    if intake.payment_method == "card":
        plain_sql.insert(store.db, store.models.CardPayment,
                    {"intake": intake, "business_day": day, "rrn": intake.payment_reference,
                     "card_last4": card_last4})


def card_last4(store, intake: Intake) -> str:
    """The card's last four digits of a card payment ('' for cash, or a card
    payment taken before references were checked)."""
    row = store.db.execute_sql("SELECT card_last4 FROM card_payment WHERE intake_id = ?",
                               (intake.id,)).fetchone()
    return row[0] if row else ""
