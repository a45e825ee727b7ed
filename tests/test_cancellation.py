"""Cancellation under control: a supervisor cancels, an operator asks; an
approval is a reversal dated when approved, audited and sent to the centre."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from edge import audit
from edge.errors import Conflict, Forbidden, InvalidInput
from edge.i18n import MessageCatalogue
from edge.intake import IntakeRequest
from tests.conftest import make_user

PERSIAN = MessageCatalogue().translator("fa")


@pytest.fixture
def supervisor(box):
    return make_user(box, "maryam", "supervisor")


def take(box, operator):
    return box.intakes.create(IntakeRequest(
        service_code="HEALTH-INS", national_code="0013542419", full_name="زهرا احمدی",
        mobile="09121234567", payment_method="card", payment_reference="123456789012",
        card_last4="4321"), operator)


def outbox_events(box) -> list[tuple[str, dict]]:
    record = box.store.models.OutboxRecord
    # before enrolment the records are plain JSON
    return [(row.event_type, json.loads(row.body)["payload"])
            for row in record.select().order_by(record.seq)]


def test_an_operators_cancellation_waits_and_the_fee_still_counts(box, clock, operator,
                                                                   supervisor):
    intake = take(box, operator)
    asked = box.cancellations.cancel(intake.tracking_code, operator, "citizen_withdrew",
                                     "  changed   her mind ")
    assert asked.state == "pending" and asked.note == "changed her mind"
    assert box.intakes.get(intake.tracking_code).status == "received"
    assert box.cancellations.reversal_of(intake) is None
    assert [r.id for r in box.cancellations.pending()] == [asked.id]
    with pytest.raises(Conflict) as twice:
        box.cancellations.cancel(intake.tracking_code, operator, "duplicate")
    assert twice.value.code == "cancellation.already_requested"
    event_type, payload = outbox_events(box)[-1]
    assert event_type == "cancellation.requested"
    assert payload["tracking_code"] == intake.tracking_code and payload["requested_by"] == "ali"

    clock.advance(days=1, hours=2)      # approved the next day: the reversal is dated then
    reversal = box.cancellations.approve(asked.id, supervisor, "ok")
    assert box.intakes.get(intake.tracking_code).status == "cancelled"
    assert (reversal.amount_rials, reversal.payment_method, reversal.payment_reference) == \
        (intake.fee_rials, "card", "123456789012")
    assert reversal.approved_at == clock.now() and reversal.approved_by.username == "maryam"
    day = clock.now() - timedelta(hours=1)
    assert [r.id for r in box.cancellations.reversals_between(day, day + timedelta(hours=2))] \
        == [reversal.id]
    taken_day = intake.created_at
    assert box.cancellations.reversals_between(taken_day, taken_day + timedelta(hours=1)) == []
    decided = box.cancellations.latest_for(intake)
    assert (decided.state, decided.decided_by.username, decided.decision_note) == \
        ("approved", "maryam", "ok")
    types = [event_type for event_type, _ in outbox_events(box)[-2:]]
    assert types == ["intake.status_changed", "intake.reversed"]
    assert outbox_events(box)[-1][1] == {
        "tracking_code": intake.tracking_code, "amount_rials": intake.fee_rials,
        "payment": {"method": "card", "reference": "123456789012"},
        "reason": "citizen_withdrew", "note": "changed her mind", "approved_by": "maryam",
        "approved_at": outbox_events(box)[-1][1]["approved_at"]}
    assert box.cancellations.pending() == []
    assert audit.first_broken(box.store) is None


def test_a_supervisor_cancels_at_once(box, operator, supervisor):
    intake = take(box, operator)
    reversal = box.cancellations.cancel(intake.tracking_code, supervisor, "wrong_service")
    assert reversal.request is None and reversal.amount_rials == intake.fee_rials
    assert box.intakes.get(intake.tracking_code).status == "cancelled"
    with pytest.raises(Conflict) as again:
        box.cancellations.cancel(intake.tracking_code, supervisor, "wrong_service")
    assert again.value.code == "intake.bad_transition"
    actions = [entry.action for entry in box.store.models.AuditEntry.select()][-2:]
    assert actions == ["intake.status_changed", "intake.reversed"]


def test_a_refusal_keeps_the_intake_and_frees_it_for_a_new_request(box, operator, supervisor):
    intake = take(box, operator)
    asked = box.cancellations.cancel(intake.tracking_code, operator, "duplicate")
    refused = box.cancellations.refuse(asked.id, supervisor, "not a duplicate")
    assert refused.state == "refused" and refused.decision_note == "not a duplicate"
    assert box.intakes.get(intake.tracking_code).status == "received"
    assert box.cancellations.reversal_of(intake) is None
    assert outbox_events(box)[-1][0] == "cancellation.refused"
    with pytest.raises(Conflict) as decided:
        box.cancellations.approve(asked.id, supervisor)
    assert decided.value.code == "cancellation.decided"
    again = box.cancellations.cancel(intake.tracking_code, operator, "wrong_details")
    assert again.state == "pending"


def test_only_a_supervisor_decides(box, operator, supervisor):
    intake = take(box, operator)
    asked = box.cancellations.cancel(intake.tracking_code, operator, "duplicate")
    for decide in (box.cancellations.approve, box.cancellations.refuse):
        with pytest.raises(Forbidden):
            decide(asked.id, operator)
    assert box.cancellations.pending()[0].state == "pending"


def test_the_reason_comes_from_the_list_and_other_needs_words(box, operator):
    intake = take(box, operator)
    with pytest.raises(InvalidInput) as unknown:
        box.cancellations.cancel(intake.tracking_code, operator, "felt like it")
    assert unknown.value.field == "reason"
    assert unknown.value.message(PERSIAN) == PERSIAN.gettext(
        "Choose the reason for cancelling from the list.")
    with pytest.raises(InvalidInput) as wordless:
        box.cancellations.cancel(intake.tracking_code, operator, "other", "   ")
    assert wordless.value.field == "note"
    with pytest.raises(InvalidInput):
        box.cancellations.cancel(intake.tracking_code, operator, "other", "x" * 201)
    assert box.cancellations.pending() == []
    asked = box.cancellations.cancel(intake.tracking_code, operator, "other", "کارت ملی همراه نبود")
    assert asked.note == "کارت ملی همراه نبود"
