"""The worker base every background loop of the box runs on (edge.worker),
on a real thread: wake cuts the wait, stop joins, backoff doubles, caps and
resets, and a raising step does not kill the thread."""

from __future__ import annotations

import logging
import queue
import random
import threading
import time

import pytest

from edge.worker import Backoff, Round, Worker
from tests.helpers import wait_until


class Scripted(Worker):
    """Plays the given outcomes (an exception class is raised), then idles;
    records the wait chosen before each round (next_round_at with a clock
    that stands still at 0)."""

    def __init__(self, outcomes=(), idle_seconds=0.01, backoff=None, step_seconds=0.0):
        super().__init__("scripted", idle_seconds, backoff, join_seconds=5.0,
                         monotonic=lambda: 0.0)
        self.outcomes = list(outcomes)
        self.step_seconds = step_seconds
        self.waits: list[float | None] = []
        self.recovered = 0
        self.stopped = 0
        self.rounds = 0
        self.finished = 0

    def step(self) -> Round:
        self.waits.append(self.next_round_at)
        self.rounds += 1
        time.sleep(self.step_seconds)
        self.finished += 1
        outcome = self.outcomes.pop(0) if self.outcomes else Round.IDLE
        if isinstance(outcome, type):
            raise outcome("a bug in the step")
        return outcome

    def _recover(self) -> None:
        self.recovered += 1

    def _on_stop(self) -> None:
        self.stopped += 1


def thread_names() -> list[str]:
    return [thread.name for thread in threading.enumerate()]


@pytest.fixture
def workers():
    made = []
    yield made.append
    for worker in made:
        worker.stop()


def test_wake_cuts_the_idle_wait(workers):
    worker = Scripted(idle_seconds=60.0)
    workers(worker)
    worker.start()
    assert wait_until(lambda: worker.rounds == 1)
    time.sleep(0.05)
    assert worker.rounds == 1                      # waiting its minute
    worker.wake()
    assert wait_until(lambda: worker.rounds == 2, timeout=2.0)
    assert worker.waits[1] == 60.0


def test_backoff_doubles_caps_and_resets_after_a_round_that_did_not_fail(workers):
    worker = Scripted([Round.FAILED] * 5 + [Round.IDLE, Round.FAILED, Round.BUSY],
                      idle_seconds=0.01, backoff=Backoff(0.01, 0.04))
    workers(worker)
    worker.start()
    assert wait_until(lambda: worker.rounds >= 10)
    assert worker.waits[:10] == [None, 0.01, 0.02, 0.04, 0.04, 0.04,   # doubles, then the cap
                                 0.01,                                 # idle after success
                                 0.01,                                 # failure: from the first again
                                 0.0,                                  # busy: at once
                                 0.01]


def test_a_raising_step_is_logged_recovered_and_backed_off(workers, caplog):
    worker = Scripted([RuntimeError, KeyError, Round.IDLE], idle_seconds=0.01,
                      backoff=Backoff(0.02, 1.0))
    workers(worker)
    with caplog.at_level(logging.ERROR, logger="edge.worker"):
        worker.start()
        assert wait_until(lambda: worker.rounds >= 5)
    assert "scripted" in thread_names()
    assert worker.recovered == 2
    assert worker.waits[1:4] == [0.02, 0.04, 0.01]
    assert [r.message for r in caplog.records].count("scripted: unexpected failure; backing off") == 2
    assert caplog.records[0].exc_info[0] is RuntimeError


def test_stop_waits_for_the_round_in_progress_and_is_idempotent(workers):
    worker = Scripted(idle_seconds=0.0, step_seconds=0.2)
    workers(worker)
    worker.start()
    assert wait_until(lambda: worker.rounds == 1)
    worker.stop()
    assert worker.finished == worker.rounds        # the step in progress ran to its end
    assert "scripted" not in thread_names() and not worker.running
    rounds = worker.rounds
    time.sleep(0.05)
    assert worker.rounds == rounds
    worker.stop()
    assert worker.stopped == 2                     # releases what it holds each time, harmlessly


def test_stop_without_start_releases_and_start_twice_runs_one_thread(workers):
    worker = Scripted(idle_seconds=0.01)
    workers(worker)
    worker.stop()
    assert worker.stopped == 1 and not worker.running
    worker.start()
    worker.start()
    assert thread_names().count("scripted") == 1
    worker.stop()
    worker.start()                                  # a stopped worker starts again
    assert thread_names().count("scripted") == 1


def test_a_worker_that_cannot_start_runs_no_thread(workers):
    class NoDevice(Scripted):
        def _on_start(self) -> bool:
            return False
    worker = NoDevice()
    workers(worker)
    worker.start()
    assert not worker.running
    assert "scripted" not in thread_names()


def test_stopping_lets_a_long_step_end_between_two_pieces_of_work(workers):
    pieces = queue.Queue()

    class Batches(Worker):
        def step(self) -> Round:
            while not self.stopping:
                pieces.put(1)
                time.sleep(0.01)
            return Round.IDLE
    worker = Batches("batches", idle_seconds=0.01, join_seconds=2.0)
    workers(worker)
    worker.start()
    assert wait_until(lambda: pieces.qsize() >= 2)
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 1.0


def test_jittered_backoff_stays_between_half_the_first_and_the_ceiling():
    backoff = Backoff(1.0, 8.0, random.Random(5))
    waits = [backoff.failed() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(0.5 <= wait <= ceiling for wait, ceiling in zip(waits, ceilings))
    assert len(set(waits)) == 6                      # not in lockstep
    backoff.succeeded()
    assert backoff.failures == 0 and backoff.failed() <= 1.0
