"""The hybrid logical clock keeps order when the wall clock jumps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from edge import hlc
from edge.intake import IntakeRequest

START = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def test_tick_rises_with_the_wall_clock():
    first = hlc.tick(0, START)
    second = hlc.tick(first, START + timedelta(seconds=1))
    assert second > first and hlc.unpack(second)[1] == 0


def test_tick_rises_when_the_clock_goes_back_a_year():
    first = hlc.tick(0, START)
    second = hlc.tick(first, START - timedelta(days=365))
    assert second > first
    assert hlc.unpack(second) == (hlc.unpack(first)[0], 1)


def test_counter_overflow_carries_into_the_wall_part():
    wall = int(START.timestamp() * 1000)
    last = hlc.pack(wall, hlc.COUNTER_MAX)
    assert hlc.tick(last, START - timedelta(days=1)) == hlc.pack(wall + 1, 0)


def test_merge_follows_a_remote_clock_ahead_of_ours():
    ours = hlc.tick(0, START)
    remote = hlc.pack(hlc.unpack(ours)[0] + 5000, 3)
    assert hlc.merge(ours, remote, START) > remote


def test_describe_is_readable():
    assert hlc.describe(hlc.pack(0, 3)) == "1970-01-01T00:00:00.000Z+3"


def _take(box, user, national_code):
    return box.intakes.create(IntakeRequest("HEALTH-INS", national_code, "شهروند",
                                            "09121234567"), user)


def test_intakes_keep_their_order_through_clock_jumps(box, clock, operator):
    Intake = box.store.models.Intake
    OutboxRecord = box.store.models.OutboxRecord
    codes = ["0013542419", "4608968882", "0084575948"]
    made = [_take(box, operator, codes[0])]
    clock.advance(days=-365)                    # back a year
    made.append(_take(box, operator, codes[1]))
    clock.advance(days=365 * 11)                # forward ten years from the start
    made.append(_take(box, operator, codes[2]))
    clock.advance(days=-365 * 10)               # and back to the right time
    made.append(_take(box, operator, codes[0]))
    hlcs = [intake.hlc for intake in made]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)
    seqs = [record.seq for record in OutboxRecord.select().order_by(OutboxRecord.hlc)]
    assert seqs == sorted(seqs)
    stored = [intake.tracking_code for intake in Intake.select().order_by(Intake.hlc)]
    assert stored == [intake.tracking_code for intake in made]
    # a clock a year slow does not date an intake before the one taken earlier
    assert made[1].created_at >= made[0].created_at


def test_system_clock_follows_network_time_only_when_far_off():
    from edge.clock import SystemClock
    clock = SystemClock()
    real = clock.now()
    assert not clock.offer(real + timedelta(minutes=1))
    assert abs(clock.now() - real) < timedelta(seconds=5)
    assert clock.offer(real + timedelta(days=400), source="gsm")
    assert abs(clock.now() - (real + timedelta(days=400))) < timedelta(seconds=5)
    assert clock.source == "gsm"
