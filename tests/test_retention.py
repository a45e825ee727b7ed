"""Which intakes retention purges (edge.retention.purge), on a real box with
a clock passed in: only finished ones, old enough, whose every event the
centre has acknowledged; a dry run counts; a purge is audited and leaves
fees, tracking codes and an unbroken chain; the worker round does the same."""

from __future__ import annotations

from datetime import timedelta

from edge.check import check_box
from edge.intake import IntakeRequest
from edge.retention.purge import centre_holds_below, due, purge, worker
from edge.worker import Round

DAYS = 90


def take(box, operator, finish: bool = True):
    intake = box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی",
                                              "09121234567"), operator)
    if finish:
        box.intakes.change_status(intake.tracking_code, "in_progress", operator)
        box.intakes.change_status(intake.tracking_code, "done", operator)
    return intake


def acknowledge_all(box) -> None:
    """As the sync agent does on the gateway's acknowledgement."""
    with box.store.write():
        box.outbox.acknowledge(box.outbox.pending().order_by(
            box.store.models.OutboxRecord.seq.desc()).first().seq)


def codes(rows) -> list[str]:
    return [row.tracking_code for row in rows]


def test_only_finished_old_acknowledged_intakes_are_due(box, operator, clock):
    old_done, old_open = take(box, operator), take(box, operator, finish=False)
    acknowledged_seq = box.outbox.pending().order_by(
        box.store.models.OutboxRecord.seq.desc()).first().seq
    clock.advance(days=1)
    unacknowledged = take(box, operator)
    with box.store.write():
        box.outbox.acknowledge(acknowledged_seq)             # the gateway holds the first two
    later = clock.now() + timedelta(days=DAYS)
    assert codes(due(box.store, DAYS, later)) == [old_done.tracking_code]
    assert due(box.store, DAYS, clock.now() + timedelta(days=DAYS - 2)) == []   # too young
    box.intakes.change_status(old_open.tracking_code, "in_progress", operator)
    assert codes(due(box.store, DAYS, later)) == [old_done.tracking_code]   # still open
    acknowledge_all(box)
    assert centre_holds_below(box.store) is None
    assert codes(due(box.store, DAYS, later + timedelta(days=1))) == [
        old_done.tracking_code, unacknowledged.tracking_code]


def test_an_event_the_centre_lacks_keeps_the_intake(box, operator, clock):
    intake = take(box, operator, finish=False)
    box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    acknowledge_all(box)
    box.intakes.change_status(intake.tracking_code, "done", operator)   # not sent yet
    assert due(box.store, DAYS, clock.now() + timedelta(days=DAYS + 1)) == []


def test_a_dry_run_counts_a_purge_is_audited_and_the_chain_holds(box, operator, clock):
    intakes = [take(box, operator) for _ in range(3)]
    acknowledge_all(box)
    clock.advance(days=DAYS + 1)
    counted = purge(box, dry_run=True)
    assert (counted.due, counted.purged) == (3, 0)
    assert box.store.models.Intake.get_by_id(intakes[0].id).full_name == "زهرا احمدی"
    done = purge(box)
    assert (done.due, done.purged, done.days) == (3, 3, DAYS)
    for intake in intakes:
        row = box.store.models.Intake.get_by_id(intake.id)
        assert (row.national_code, row.full_name, row.mobile) == ("", "", "")
        assert (row.tracking_code, row.fee_rials) == (intake.tracking_code, intake.fee_rials)
    entry = box.store.models.AuditEntry.select().order_by(
        box.store.models.AuditEntry.id.desc()).first()
    assert entry.action == "retention.purged" and entry.actor == "retention"
    assert entry.details == {"days": DAYS, "tracking_codes": codes(intakes)}
    assert check_box(box.store).ok
    assert purge(box).purged == 0                            # once


def test_the_worker_round_purges_what_is_due(box, operator, clock):
    take(box, operator)
    acknowledge_all(box)
    clock.advance(days=DAYS + 1)
    assert worker(box).step() is Round.IDLE
    assert due(box.store, DAYS, clock.now()) == []
    assert box.store.models.Purged.select().count() == 1


def test_a_purged_confidential_intake_still_opens_with_nothing_to_show(box, server, operator,
                                                                        clock):
    from tests.conftest import login, make_user
    make_user(box, "boss", "supervisor")
    intake = box.intakes.create(IntakeRequest("SANA-REG", "0013542419", "زهرا احمدی",
                                              "09121234567"), operator)
    box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    box.intakes.change_status(intake.tracking_code, "done", operator)
    acknowledge_all(box)
    clock.advance(days=DAYS + 1)
    assert purge(box).purged == 1
    shown = login(server.url, "boss").get(f"/api/v1/intakes/{intake.tracking_code}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["national_code"], body["full_name"], body["masked"]) == ("", "", False)
    assert body["tracking_code"] == intake.tracking_code and body["fee_rials"] == intake.fee_rials
