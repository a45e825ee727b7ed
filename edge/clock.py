"""The box's best estimate of real time, passed in so tests can move time.

A box often has no real-time clock and no internet for NTP: after a power cut
its system time may be days or decades off. So the clock ranks its sources:

1. the system clock when the kernel says it is synchronised (NTP, chrony,
   systemd-timesyncd): it outranks every offer;
2. the gateway's time, offered by the sync agent at each exchange;
3. the GSM network's time (NITZ), offered by the modem worker, believed only
   when plausible: not before the saved clock, nor outside the years a box
   can run in;
4. the unsynchronised system clock, never earlier than the saved clock (the
   floor: `floor`, or the latest time the box has stamped, see
   `edge.events`).

An offer from a source is followed when it differs from the estimate by more
than a few minutes, and only when no higher-ranked source is in charge. The
dates people read (receipts, searches, the portal) come from `now()`; order
never depends on it (`edge.hlc`).
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

log = logging.getLogger(__name__)

TRUST_AFTER = timedelta(minutes=5)
EARLIEST_PLAUSIBLE = datetime(2026, 1, 1, tzinfo=timezone.utc)   # no box ran before this release
LATEST_PLAUSIBLE = datetime(2100, 1, 1, tzinfo=timezone.utc)
RANKS = {"system": 0, "network": 1, "gateway": 2}
_TIME_ERROR = 5   # adjtimex's answer when the kernel's clock is not synchronised


class _Timex(ctypes.Structure):
    # struct timex is 208 bytes on 64-bit Linux; only `modes` (0: read only) is set
    _fields_ = [("modes", ctypes.c_uint), ("rest", ctypes.c_char * 256)]


def kernel_clock_synchronised() -> bool:
    """The kernel's word (adjtimex) that an NTP client keeps the clock right."""
    try:
        state = ctypes.CDLL(None, use_errno=True).adjtimex(ctypes.byref(_Timex()))
    except (OSError, AttributeError):   # not Linux: no word, so not synchronised
        return False
    return 0 <= state < _TIME_ERROR


def plausible(moment: datetime, floor: datetime | None = None) -> bool:
    """A time a box can be at: in the years it can run, and not before `floor`."""
    if not EARLIEST_PLAUSIBLE <= moment < LATEST_PLAUSIBLE:
        return False
    return floor is None or moment >= floor - TRUST_AFTER


class SystemClock:
    def __init__(self, floor: datetime | None = None,
                 synchronised: Callable[[], bool] = kernel_clock_synchronised,
                 system: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.floor = floor
        self.offset = timedelta(0)
        self.source = "system"
        self._synchronised = synchronised
        self._system = system
        self._lock = threading.Lock()

    @property
    def trusted(self) -> bool:
        """The estimate comes from a source better than the box's own guess."""
        return self.source != "system" or self._synchronised()

    def now(self) -> datetime:
        system = self._system()
        if self._synchronised():
            return system
        if self.source != "system":
            return system + self.offset
        return max(system, self.floor) if self.floor else system

    def offer(self, moment: datetime, source: str = "network") -> bool:
        """Follow `moment` from `source` ("gateway" or "network") when it
        outranks what the clock follows now and the estimate is far off.
        Returns True when the clock changed."""
        if (not RANKS.get(source) or self._synchronised()
                or not plausible(moment, self.floor if source == "network" else None)):
            return False
        with self._lock:
            if RANKS[source] < RANKS[self.source]:
                return False
            estimate, self.source = self.now(), source
            if abs(moment - estimate) <= TRUST_AFTER:
                return False
            self.offset = moment - self._system()
        log.warning("clock: following %s time, %s from the system clock", source, self.offset)
        return True


class FakeClock:
    """A clock a test sets and moves, including backwards. Untrusted unless the
    test says otherwise, like a box with no synchronised clock."""

    def __init__(self, start: datetime | None = None, trusted: bool = False):
        self._now = start or datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
        self._lock = threading.Lock()
        self.trusted = trusted
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
