"""Hybrid logical clock: a timestamp that never goes backwards.

Packed in one integer, `wall_ms << 16 | counter`, so it sorts as it should
and fits SQLite's 64-bit integers. When the wall clock jumps back (a box with
no real-time clock after a power cut), the last wall time is kept and the
counter rises; when the counter would overflow, the wall part takes one
millisecond more. Order is never lost either way.
"""

from __future__ import annotations

from datetime import datetime, timezone

COUNTER_BITS = 16
COUNTER_MAX = (1 << COUNTER_BITS) - 1


def pack(wall_ms: int, counter: int) -> int:
    return wall_ms << COUNTER_BITS | counter


def unpack(value: int) -> tuple[int, int]:
    return value >> COUNTER_BITS, value & COUNTER_MAX


def tick(last: int, now: datetime) -> int:
    """The next timestamp after `last`, given the wall clock reads `now`."""
    physical = int(now.timestamp() * 1000)
    last_wall, last_counter = unpack(last)
    if physical > last_wall:
        return pack(physical, 0)
    if last_counter < COUNTER_MAX:
        return pack(last_wall, last_counter + 1)
    return pack(last_wall + 1, 0)


def merge(last: int, remote: int, now: datetime) -> int:
    """The next timestamp after both our `last` and a `remote` one we received."""
    return tick(max(last, remote), now)


def wall_time(value: int) -> datetime:
    return datetime.fromtimestamp(unpack(value)[0] / 1000, timezone.utc)


def describe(value: int) -> str:
    """2026-12-01T08:00:00.000Z+3 — readable in logs and audits."""
    wall, counter = unpack(value)
    moment = datetime.fromtimestamp(wall / 1000, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{wall % 1000:03d}Z+{counter}"
