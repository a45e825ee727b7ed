"""A box with known intakes over two days, for the performance figures.

Tuesday 10 Azar 1405 (the fake clock's start, 11:30 Iran time), by `ali`:
a health insurance done within the hour and rated 4, a bill payment (one
office hour owed) done three hours later, and a health insurance cancelled.
Wednesday 11 Azar, by `sara`: a bill payment left open past its hour, and a
health insurance still in time, rated 2. The clock then stands at Wednesday
15:30."""

from __future__ import annotations

from datetime import date

import pytest

from edge.intake import IntakeRequest
from tests.conftest import make_user

TUESDAY, WEDNESDAY = date(2026, 12, 1), date(2026, 12, 2)


BILL = {"bill_id": "1234567890123", "payment_id": "98765"}


def take(box, operator, service: str):
    fields = BILL if service == "BILL-PAY" else {}
    return box.intakes.create(IntakeRequest(service, "0013542419", "زهرا احمدی", "09121234567",
                                            fields), operator)


def finish(box, intake, operator):
    box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    return box.intakes.change_status(intake.tracking_code, "done", operator)


@pytest.fixture
def known(box, clock):
    return fill_known(box, clock)


def fill_known(box, clock):
    """The intakes said above, on `box` whose `clock` stands at Tuesday 11:30."""
    ali, sara = make_user(box, "ali", "operator"), make_user(box, "sara", "operator")
    boss = make_user(box, "boss", "supervisor")
    health = take(box, ali, "HEALTH-INS")
    bill = take(box, ali, "BILL-PAY")
    cancelled = take(box, ali, "HEALTH-INS")
    box.cancellations.cancel(cancelled.tracking_code, boss, "citizen_withdrew")
    clock.advance(minutes=30)
    finish(box, health, ali)
    box.ratings.rate_at_counter(health, 4, 5)
    clock.advance(hours=3)
    finish(box, bill, ali)
    clock.advance(hours=20)                               # Wednesday 11:00
    take(box, sara, "BILL-PAY")
    rated = take(box, sara, "HEALTH-INS")
    box.ratings.rate_at_counter(rated, 2, 3)
    clock.advance(hours=4, minutes=30)                    # Wednesday 15:30: the bill is late
    return box
