"""Hybrid logical clock: a timestamp that never goes backwards. It keeps order
only; the time shown to people is the clock's best estimate (`edge.clock`).

Packed in one integer, `era << 58 | wall_ms << 16 | counter`, so it sorts as
it should and fits SQLite's 64-bit integers. When the wall clock jumps back a
little (a box with no real-time clock after a power cut), the last wall time
is kept and the counter rises; when the counter would overflow, the wall part
takes one millisecond more.

The wall part may run ahead of physical time by at most `MAX_OFFSET_MS` (as
CockroachDB bounds its clocks by a maximum offset). A wall part found further
ahead (the box once ran with its clock ten years fast, and a trusted clock
now says so) is corrected: the era rises by one and the wall part restarts
at physical time. Every later value still sorts after every earlier one, so
nothing is reordered, and the wall part is never again ten years ahead. The
caller records each correction as evidence (`rebased`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

COUNTER_BITS = 16
COUNTER_MAX = (1 << COUNTER_BITS) - 1
WALL_BITS = 42                       # milliseconds since 1970 up to the year 2109
WALL_MAX = (1 << WALL_BITS) - 1
ERA_SHIFT = COUNTER_BITS + WALL_BITS
ERA_MAX = (1 << (63 - ERA_SHIFT)) - 1   # 31 corrections fit a signed 64-bit integer
MAX_OFFSET = timedelta(minutes=5)
MAX_OFFSET_MS = int(MAX_OFFSET.total_seconds() * 1000)


def pack(wall_ms: int, counter: int, era: int = 0) -> int:
    return era << ERA_SHIFT | wall_ms << COUNTER_BITS | counter


def unpack(value: int) -> tuple[int, int]:
    """(wall_ms, counter), the era left out."""
    return (value >> COUNTER_BITS) & WALL_MAX, value & COUNTER_MAX


def era(value: int) -> int:
    return value >> ERA_SHIFT


def tick(last: int, now: datetime) -> int:
    """The next timestamp after `last`, given the wall clock reads `now`."""
    physical = min(max(int(now.timestamp() * 1000), 0), WALL_MAX)
    last_wall, last_counter = unpack(last)
    if last_wall - physical > MAX_OFFSET_MS and era(last) < ERA_MAX:
        return pack(physical, 0, era(last) + 1)
    if physical > last_wall:
        return pack(physical, 0, era(last))
    if last_counter < COUNTER_MAX:
        return pack(last_wall, last_counter + 1, era(last))
    return pack(last_wall + 1, 0, era(last))


def rebased(last: int, value: int) -> bool:
    """`value` corrected a wall part that had run too far ahead of `last`'s clock."""
    return era(value) > era(last)


def merge(last: int, remote: int, now: datetime) -> int:
    """The next timestamp after both our `last` and a `remote` one we received."""
    return tick(max(last, remote), now)


def wall_time(value: int) -> datetime:
    return datetime.fromtimestamp(unpack(value)[0] / 1000, timezone.utc)


def describe(value: int) -> str:
    """2026-12-01T08:00:00.000Z+3 (era 1: 1/2026-...) — readable in logs and audits."""
    wall, counter = unpack(value)
    moment = datetime.fromtimestamp(wall / 1000, timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{wall % 1000:03d}Z+{counter}"
    return f"{era(value)}/{text}" if era(value) else text
