"""The hybrid logical clock keeps order when the wall clock jumps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from edge import hlc, intake
from edge.clock import SystemClock
from edge.intake import IntakeQuery, IntakeRequest

START = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def test_tick_rises_with_the_wall_clock():
    first = hlc.tick(0, START)
    second = hlc.tick(first, START + timedelta(seconds=1))
    assert second > first and hlc.unpack(second)[1] == 0


def test_tick_keeps_the_wall_part_when_the_clock_goes_back_a_little():
    first = hlc.tick(0, START)
    second = hlc.tick(first, START - timedelta(minutes=1))
    assert second > first and hlc.unpack(second) == (hlc.unpack(first)[0], 1)
    assert not hlc.rebased(first, second)


def test_a_wall_part_far_ahead_is_corrected_without_reordering():
    ahead = hlc.tick(0, START + timedelta(days=3650))
    corrected = hlc.tick(ahead, START)
    assert corrected > ahead and hlc.rebased(ahead, corrected)
    assert hlc.wall_time(corrected) == START and hlc.era(corrected) == 1
    assert hlc.tick(corrected, START + timedelta(seconds=1)) > corrected
    assert hlc.describe(corrected) == "1/2026-12-01T08:00:00.000Z+0"


def test_counter_overflow_carries_into_the_wall_part():
    wall = int(START.timestamp() * 1000)
    last = hlc.pack(wall, hlc.COUNTER_MAX)
    assert hlc.tick(last, START - timedelta(minutes=1)) == hlc.pack(wall + 1, 0)


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


def test_one_boot_ten_years_ahead_does_not_date_later_intakes(box, clock, operator):
    """The issue's repro: a run with the clock ten years fast, then the right
    time from a trusted source (a synchronised clock, the gateway)."""
    clock.trusted = True
    clock.advance(days=3650)
    fast = _take(box, operator, "0013542419")
    clock.advance(days=-3650)
    right = _take(box, operator, "4608968882")
    assert right.created_at == START and right.hlc > fast.hlc
    AuditEntry = box.store.models.AuditEntry
    [correction] = AuditEntry.select().where(AuditEntry.action == "clock.corrected")
    assert correction.details["from"].startswith("2036-") and correction.hlc < right.hlc
    today = IntakeQuery(date_from=START.date(), date_to=START.date())
    assert [found.tracking_code for found in intake.search(box.store, today)[0]] == [
        right.tracking_code]


def test_an_untrusted_clock_that_goes_back_dates_nothing_before_the_last_event(box, clock,
                                                                               operator):
    first = _take(box, operator, "0013542419")
    clock.advance(days=-365)
    second = _take(box, operator, "4608968882")
    assert second.created_at == first.created_at and second.hlc > first.hlc


def _system_clock(system: datetime, synchronised: bool = False, floor=None):
    moments = {"now": system}
    made = SystemClock(floor=floor, synchronised=lambda: synchronised,
                       system=lambda: moments["now"])
    return made, moments


def test_system_clock_follows_network_time_only_when_far_off():
    clock, _ = _system_clock(START)
    assert not clock.offer(START + timedelta(minutes=1))
    assert clock.now() == START
    assert clock.offer(START + timedelta(days=400), source="network")
    assert clock.now() == START + timedelta(days=400) and clock.source == "network"
    assert clock.trusted


def test_a_synchronised_system_clock_outranks_the_modem_and_the_gateway():
    clock, _ = _system_clock(START, synchronised=True)
    assert not clock.offer(START - timedelta(days=1), source="network")
    assert not clock.offer(START - timedelta(days=1), source="gateway")
    assert clock.now() == START and clock.trusted


def test_the_gateway_outranks_the_network_and_implausible_times_are_refused():
    clock, _ = _system_clock(START - timedelta(days=30), floor=START - timedelta(days=2))
    assert clock.now() == START - timedelta(days=2)               # the saved clock as a floor
    assert not clock.trusted
    assert not clock.offer(datetime(2004, 1, 1, tzinfo=timezone.utc), source="network")
    assert not clock.offer(START - timedelta(days=3), source="network")   # before the floor
    assert not clock.offer(START, source="modem")                 # a modem's own clock
    assert clock.offer(START, source="gateway")
    assert not clock.offer(START + timedelta(days=1), source="network")
    assert clock.now() == START and clock.source == "gateway"
    assert clock.offer(START - timedelta(days=3), source="gateway")  # the gateway may go below
    assert clock.now() == START - timedelta(days=3)
