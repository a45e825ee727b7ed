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
        """Now, by the hybrid clock. Its wall part is the latest time the box
        has seen, so a clock that jumps back (no real-time clock, a power cut)
        neither reorders events nor dates them before what came earlier."""
        value = hlc.tick(int(device_state.get(self.store.db, HLC_KEY, "0")), self.clock.now())
        device_state.put(self.store.db, HLC_KEY, str(value))
        return Stamp(hlc.wall_time(value), value)

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
