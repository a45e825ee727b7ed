"""The daily performance event: each day once, after the set hour, the
missed days caught up; the worker round does it with `edge run`."""

from __future__ import annotations

import json
from datetime import timedelta

from edge.performance.daily import EVENT_TYPE, days_due, send_due, worker
from edge.worker import Round
from tests.performance.conftest import TUESDAY, WEDNESDAY


def queued_events(box) -> list[dict]:
    record = box.store.models.OutboxRecord
    return [json.loads(bytes(row.body))["payload"] for row in
            record.select().where(record.event_type == EVENT_TYPE).order_by(record.seq)]


def test_before_the_hour_nothing_is_due_after_it_the_day_goes_once(known, clock):
    clock.set(clock.now().replace(hour=15))                   # Wednesday 18:30 in Iran
    assert days_due(known.store, known.settings, clock.now()) == [TUESDAY]
    assert send_due(known) == 1
    clock.advance(hours=2)                                    # Wednesday 20:30
    assert send_due(known) == 1 and send_due(known) == 0
    tuesday, wednesday = queued_events(known)
    assert tuesday["date"] == "1405/09/10" and wednesday["date"] == "1405/09/11"
    assert (tuesday["intakes"], tuesday["fees_rials"], tuesday["sla_met"],
            tuesday["sla_missed"], tuesday["satisfaction"]) == (2, 500_000, 1, 1, 4.0)
    assert {line["code"]: line["intakes"] for line in tuesday["services"]} == {
        "HEALTH-INS": 1, "BILL-PAY": 1}
    assert [line["username"] for line in wednesday["operators"]] == ["sara"]
    actions = [row.action for row in known.store.models.AuditEntry.select()]
    assert actions.count("performance.daily_queued") == 2


def test_days_the_box_was_off_are_caught_up_by_the_worker_round(known, clock):
    clock.advance(days=3)                                     # Saturday 15:30
    assert worker(known).step() is Round.IDLE
    assert [event["date"] for event in queued_events(known)] == [
        "1405/09/10", "1405/09/11", "1405/09/12", "1405/09/13"]   # Friday's zeros too
    assert queued_events(known)[-1]["intakes"] == 0
    assert days_due(known.store, known.settings, clock.now() + timedelta(hours=6)) == [
        WEDNESDAY + timedelta(days=3)]


def test_a_box_with_no_intakes_sends_nothing(bare_box, clock):
    clock.advance(days=2)
    assert send_due(bare_box) == 0
