"""Wall clocks, passed in so tests can move time.

A box often has no real-time clock and no internet for NTP: after a power cut
its system time may be days or decades off. The GSM network's time (and the
gateway's) is offered to the clock; when it differs from the system's by more
than a few minutes, the clock follows it from then on. Order never depends on
this (the hybrid logical clock sees to that); the dates on receipts do.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

log = logging.getLogger(__name__)

TRUST_AFTER = timedelta(minutes=5)


class SystemClock:
    def __init__(self):
        self.offset = timedelta(0)
        self.source = "system"

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def offer(self, moment: datetime, source: str = "network") -> bool:
        """Follow `moment` from a trusted source when the system time is far off.
        Returns True when the clock changed."""
        system = datetime.now(timezone.utc)
        if abs(moment - (system + self.offset)) <= TRUST_AFTER:
            return False
        self.offset, self.source = moment - system, source
        log.warning("clock: following %s time, %s from the system clock", source, self.offset)
        return True


class FakeClock:
    """A clock a test sets and moves, including backwards."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
        self._lock = threading.Lock()
        self.offered: list[tuple[datetime, str]] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now += timedelta(**delta)

    def offer(self, moment: datetime, source: str = "network") -> bool:
        self.offered.append((moment, source))
        return False
