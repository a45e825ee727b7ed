"""One place where a state change becomes evidence and news: every change
writes its audit entry and (when the centre should hear of it) its outbox
record, stamped with the same hybrid-clock time, inside the change's own
write transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from edge import audit, device_state, hlc
from edge.outbox import Outbox

HLC_KEY = "hlc.last"


@dataclass(frozen=True)
class Stamp:
    at: datetime
    hlc: int


class EventLog:
    def __init__(self, store, clock, outbox: Outbox):
        self.store = store
        self.clock = clock
        self.outbox = outbox

    def stamp(self) -> Stamp:
        """Now: the clock's best estimate for people, the hybrid clock for order.

        An untrusted clock (no synchronised system clock, no gateway or network
        time yet) is floored by the latest time the box has stamped, so a clock
        that jumps back (no real-time clock, a power cut) dates nothing before
        what came earlier. A trusted clock that finds the hybrid clock far
        ahead (an earlier run with the clock years fast) corrects it, and the
        correction is audited before the event that caused it."""
        last = self._last()
        now = self._estimate(last)
        value = hlc.tick(last, now)
        if hlc.rebased(last, value):
            audit.append(self.store, "clock", "clock.corrected", "hlc",
                         {"from": hlc.describe(last), "to": hlc.describe(value)}, now, value)
            value = hlc.tick(value, now)
        device_state.put(self.store.db, HLC_KEY, str(value))
        return Stamp(now, value)

    def now(self) -> datetime:
        """The time by which stamps are read (a token's lifetime): the clock's
        estimate, floored like a stamp when the clock is untrusted."""
        return self._estimate(self._last())

    def _last(self) -> int:
        return int(device_state.get(self.store.db, HLC_KEY, "0"))

    def _estimate(self, last: int) -> datetime:
        now = self.clock.now()
        return now if self.clock.trusted else max(now, hlc.wall_time(last))

    def record(self, actor: str, action: str, subject: str, details: dict,
               event_type: str | None = None, payload: dict | None = None,
               stamp: Stamp | None = None) -> Stamp:
        """Audit (and, with `event_type`, queue for the centre) one change,
        at `stamp` when the change already took its time."""
        stamp = stamp or self.stamp()
        audit.append(self.store, actor, action, subject, details, stamp.at, stamp.hlc)
        if event_type:
            self.outbox.append(event_type, payload or {}, stamp.hlc, stamp.at)
        return stamp
