"""The loop every background part of the box runs (sync agent, print worker,
modem worker, front panel): one thread calling `step()` round after round.

Each round's outcome chooses the wait before the next one:

    BUSY    more work waits: the next round at once
    IDLE    nothing to do: wait `idle_seconds`
    FAILED  back off: the wait doubles with each failure in a row, up to a
            cap, and starts again from the first after a round that did not fail

`wake()` cuts any wait short (a new intake, the portal's "send now"). A step
that raises is logged and counted as a failure, so a bug or a store hiccup
slows the worker down instead of killing its thread. `start()` and `stop()`
may be called any number of times; `stop()` waits for the round in progress.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_CAP = 60.0


class Round(enum.Enum):
    BUSY = "busy"
    IDLE = "idle"
    FAILED = "failed"


@dataclass
class Backoff:
    """Waits after failures in a row: `first`, twice that, four times ... up to
    `cap`. With `rng`, full jitter (uniform between first/2 and that
    ceiling), so boxes that lost the same link do not all retry at once."""

    first: float
    cap: float
    rng: random.Random | None = None
    failures: int = 0

    def delay(self, failures: int) -> float:
        """The wait after `failures` failures in a row (none: no wait)."""
        if failures <= 0:
            return 0.0
        ceiling = min(self.cap, self.first * (2 ** min(failures - 1, 30)))
        if self.rng is None:
            return ceiling
        floor = self.first / 2
        return floor + self.rng.uniform(0, max(0.0, ceiling - floor))

    def failed(self) -> float:
        """One more failure in a row: the wait before the next try."""
        self.failures += 1
        return self.delay(self.failures)

    def succeeded(self) -> None:
        self.failures = 0


class Worker:
    """A thread that runs `step()` until stopped. Subclasses write `step()`
    and may extend `_on_start()` (before the thread: put back half-done
    jobs, open the device), `_on_stop()` (after it: close what is open) and
    `_recover()` (after a step raised: leave nothing half-done) and
    `_pause()` (the wait between rounds)."""

    def __init__(self, thread_name: str, idle_seconds: float, backoff: Backoff | None = None,
                 join_seconds: float = 10.0, monotonic: Callable[[], float] = time.monotonic):
        self.thread_name = thread_name
        self.idle_seconds = idle_seconds
        self.backoff = backoff or Backoff(idle_seconds, max(idle_seconds, DEFAULT_BACKOFF_CAP))
        self.join_seconds = join_seconds
        self.monotonic = monotonic
        self.next_round_at: float | None = None     # on self.monotonic; None before the first round
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()           # one start or stop at a time

    def step(self) -> Round:
        raise NotImplementedError

    # --- the worker contract (edge.box.Worker) -----------------------------------------

    def start(self) -> None:
        """Start the thread; while it runs, a second call does nothing."""
        with self._lifecycle:
            if self._thread is not None:
                return
            self._stopping.clear()
            if not self._on_start():
                return
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Wait for the round in progress, end the thread and release what the
        worker holds. Harmless when already stopped or never started (a box
        opened for one command closes its workers too)."""
        with self._lifecycle:
            self._stopping.set()
            self._wake.set()
            thread, self._thread = self._thread, None
            if thread is not None:
                thread.join(self.join_seconds)
                if thread.is_alive():
                    log.warning("%s still busy after %g s; left to finish alone",
                                self.thread_name, self.join_seconds)
            self._on_stop()

    def wake(self) -> None:
        """Run the next round now rather than after the wait."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def stopping(self) -> bool:
        """For a step that loops: stop between two pieces of work."""
        return self._stopping.is_set()

    # --- what subclasses may extend ----------------------------------------------------

    def _on_start(self) -> bool:
        """Before the thread starts; False when the worker cannot run (its
        status says why) and no thread is started."""
        return True

    def _on_stop(self) -> None:
        """After the thread ended (or when it never started)."""

    def _recover(self) -> None:
        """After a step raised; must not raise itself."""

    # --- the loop ----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            wait = self._round()
            self.next_round_at = self.monotonic() + wait
            self._pause(wait)

    def _pause(self, wait: float) -> None:
        """Between rounds: `wait` seconds or until woken. A subclass may end
        it sooner for reasons of its own (the sync agent's probe)."""
        self._wake.wait(wait)
        self._wake.clear()

    def _round(self) -> float:
        try:
            outcome = self.step()
        except Exception:   # a bug must not kill the worker; the log has the details
            log.exception("%s: unexpected failure; backing off", self.thread_name)
            self._recover()
            outcome = Round.FAILED
        return self.wait_after(outcome)

    def wait_after(self, outcome: Round) -> float:
        """Seconds to wait after a round with this outcome."""
        if outcome is Round.FAILED:
            return self.backoff.failed()
        self.backoff.succeeded()
        return 0.0 if outcome is Round.BUSY else self.idle_seconds


class Chore(Worker):
    """A worker whose every round is one call, the same each time, then a rest
    (the daily performance event, the retention purge)."""

    def __init__(self, thread_name: str, call: Callable[[], object], idle_seconds: float):
        super().__init__(thread_name, idle_seconds)
        self.call = call

    def step(self) -> Round:
        self.call()
        return Round.IDLE
