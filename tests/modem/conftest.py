from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from edge.db import Store
from hardware.modem import schema
from hardware.modem.outbox import SmsOutbox
from hardware.modem.simulator import ModemSimulator


class StepClock:
    """A clock the test moves by hand (the box's clock is passed in the same way)."""

    def __init__(self):
        self.moment = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return StepClock()


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "box.db", models=schema.MODELS)
    store.migrate([schema])
    yield store
    store.close()


@pytest.fixture
def outbox(store, clock):
    return SmsOutbox(store, clock, max_attempts=3, retry_seconds=10)


@pytest.fixture
def sim():
    simulator = ModemSimulator().start()
    yield simulator
    simulator.stop()
