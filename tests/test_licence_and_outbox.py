"""Two rules with one home each: the licence in force (edge.licence) and
what "pending" and "kept" mean for the outbox (edge.outbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edge import licence
from edge.errors import Forbidden


def set_licence(box, **values) -> None:
    offices = box.store.models.Office
    with box.store.write():
        offices.update(**values).execute()


def test_licence_in_force_until_its_end(bare_box, clock):
    now = clock.now()
    assert licence.status_at(licence.office(bare_box.store), now) == "active"
    set_licence(bare_box, licence_expires=now + timedelta(days=1))
    licence.ensure_in_force(bare_box.store, now)
    assert licence.status_at(licence.office(bare_box.store), now + timedelta(days=1)) == "expired"
    with pytest.raises(Forbidden) as refused:
        licence.ensure_in_force(bare_box.store, now + timedelta(days=2))
    assert refused.value.code == "licence.inactive"


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_a_licence_taken_away_is_not_in_force(bare_box, clock, status):
    set_licence(bare_box, licence_status=status)
    assert licence.status_at(licence.office(bare_box.store), clock.now()) == status
    with pytest.raises(Forbidden):
        licence.ensure_in_force(bare_box.store, clock.now())


def test_a_box_without_an_office_yet_is_not_held_back(clock):
    assert licence.status_at(None, clock.now()) == "active"


def record(box, n: int) -> None:
    with box.store.write():
        box.events.record("test", "test.event", str(n), {}, "test.event", {"n": n})


def test_pending_records_wait_oldest_first_until_acknowledged(bare_box, clock):
    outbox = bare_box.outbox
    already = outbox.depth()                     # init_box records the office's creation
    for n in range(3):
        record(bare_box, n)
        clock.advance(minutes=1)
    assert outbox.depth() == already + 3
    seqs = [r.seq for r in outbox.pending()]
    assert seqs == sorted(seqs) and outbox.oldest_pending().seq == seqs[0]
    assert outbox.oldest_age_seconds(clock.now()) >= 180
    with bare_box.store.write():
        outbox.acknowledge(seqs[-2], clock.now())
    assert [r.seq for r in outbox.pending()] == [seqs[-1]]
    with bare_box.store.write():
        outbox.acknowledge(seqs[-1], clock.now())
    assert outbox.depth() == 0 and outbox.oldest_pending() is None
    assert outbox.oldest_age_seconds(clock.now()) is None


def test_a_clock_moved_back_shows_no_negative_wait(bare_box, clock):
    record(bare_box, 1)
    clock.advance(days=-2)
    assert bare_box.outbox.oldest_age_seconds(clock.now()) == 0


def test_acknowledged_records_are_kept_until_pulled_and_come_back_when_the_gateway_lost_them(
        bare_box, clock):
    outbox = bare_box.outbox
    for n in range(5):
        record(bare_box, n)
    seqs = [r.seq for r in outbox.pending()]
    with bare_box.store.write():
        assert outbox.acknowledge(seqs[3], clock.now()) == 0
    assert [r.seq for r in outbox.kept()] == seqs[:4] and outbox.depth() == len(seqs) - 4
    with bare_box.store.write():
        assert outbox.release(seqs[1]) == 2          # the centre pulled the first two
        assert outbox.release(seqs[-1]) == 2         # never beyond what is acknowledged
    assert outbox.kept().count() == 0 and [r.seq for r in outbox.pending()] == [seqs[4]]
    with bare_box.store.write():
        outbox.acknowledge(seqs[4], clock.now())
        # A restored gateway holds only up to the third: what the box kept is pending again.
        assert outbox.acknowledge(seqs[2], clock.now()) == 1
    assert [r.seq for r in outbox.pending()] == [seqs[4]] and outbox.acked_seq() == seqs[2]


def test_kept_records_go_after_their_days_or_beyond_the_budget_never_pending_ones(bare_box, clock):
    outbox = bare_box.outbox
    for n in range(6):
        record(bare_box, n)
    seqs = [r.seq for r in outbox.pending()]
    with bare_box.store.write():
        outbox.acknowledge(seqs[1], clock.now())
    clock.advance(days=2)
    with bare_box.store.write():
        outbox.acknowledge(seqs[4], clock.now())
        assert outbox.trim(clock.now() - timedelta(days=1), budget_bytes=1 << 20) == 2
    assert [r.seq for r in outbox.kept()] == seqs[2:5]
    newest = len(bytes(outbox.kept().order_by(bare_box.store.models.OutboxRecord.seq.desc())
                       .first().body))
    with bare_box.store.write():
        assert outbox.trim(clock.now() - timedelta(days=1), budget_bytes=newest) == 2
        assert outbox.trim(clock.now(), budget_bytes=0) == 1
    assert outbox.kept().count() == 0 and [r.seq for r in outbox.pending()] == [seqs[5]]
