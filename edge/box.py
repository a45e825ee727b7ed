"""The box: its store, keys, clock, event log, intake service, ratings and parts.

A Box is built by `appliance.assembly` (which knows every component); here it
only holds what it is given, so a test can make as many as it likes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from edge.cancellation.rules import CancellationService
from edge.clock import SystemClock
from edge.confidential.fields import ConfidentialFields
from edge.confidential.keyring import Keyring
from edge.db import Store
from edge.errors import EdgeError
from edge.events import EventLog
from edge.intake import IntakeService
from edge.keys import DeviceKeys
from edge.outbox import Outbox, Sealer
from edge.parts import Parts, Worker
from edge.voice.ratings import RatingBook

log = logging.getLogger(__name__)

DATABASE_FILE = "edge.db"
KEYS_FOLDER = "keys"


class BoxNotReady(EdgeError):
    """The data folder has not been set up with `edge init`."""

    def __init__(self, home: Path):
        super().__init__("box.not_initialised")
        self.home = home

    def __str__(self) -> str:
        return f"data folder {self.home} is not set up; run: edge --home {self.home} init"


class Box:
    def __init__(self, home: Path, settings, store: Store, keys: DeviceKeys, sealer: Sealer,
                 clock=None, keyring: Keyring | None = None):
        self.home = Path(home)
        self.settings = settings
        self.clock = clock or SystemClock()
        self.store = store
        self.keys = keys
        self.outbox = Outbox(store, sealer)
        self.events = EventLog(store, self.clock, self.outbox)
        self.parts = Parts()
        self.intake_hooks: list = []
        # without a keyring (a test's bare box) confidential intakes are kept as any other
        self.confidential = ConfidentialFields(store, keyring, self.events) if keyring else None
        self.status_hooks: list = []
        self.intakes = IntakeService(self.store, self.events, self.keys.tag, self.intake_hooks,
                                     self.confidential, self.status_hooks)
        self.ratings = RatingBook(store, self.events, self.clock,
                                  settings["ratings.sms_window_days"])
        self.cancellations = CancellationService(self.store, self.intakes)

    def fit(self, parts: Parts) -> None:
        """Give the box its parts, once: the parts are built from the box's
        core (store, events, intakes), so they come after it."""
        if self.parts != Parts():
            raise RuntimeError("this box has its parts already")
        self.parts = parts
        self.intake_hooks.extend(parts.intake_hooks)
        self.status_hooks.extend(parts.status_hooks)

    @property
    def workers(self) -> list[Worker]:
        return list(self.parts.workers)

    def start_workers(self) -> None:
        for worker in self.parts.workers:
            worker.start()

    def stop_workers(self) -> None:
        for worker in reversed(self.parts.workers):
            try:
                worker.stop()
            except Exception:  # one worker failing to stop must not keep the others running
                log.exception("worker %r failed to stop", worker)

    def close(self) -> None:
        self.stop_workers()
        self.store.close()
