"""Slowing down password guessing on the console.

One serial line has one person (or one tool) at a time, so one counter is
enough: after a few free tries each failure doubles the wait, up to a
minute. Kept in memory; a restart of the console forgets, which needs
physical access to the box anyway."""

from __future__ import annotations

import time
from typing import Callable


class LoginDelay:
    def __init__(self, now: Callable[[], float] = time.monotonic, free_tries: int = 3,
                 first_wait: float = 2.0, max_wait: float = 60.0):
        self.now = now
        self.free_tries, self.first_wait, self.max_wait = free_tries, first_wait, max_wait
        self.failures = 0
        self.last_failure = 0.0

    def wait_seconds(self) -> int:
        """Whole seconds before the next try is heard (0: now)."""
        if self.failures < self.free_tries:
            return 0
        wait = min(self.first_wait * 2 ** (self.failures - self.free_tries), self.max_wait)
        return max(0, int(wait - (self.now() - self.last_failure) + 0.999))

    def failed(self) -> None:
        self.failures += 1
        self.last_failure = self.now()

    def succeeded(self) -> None:
        self.failures = 0
