"""The card reader as the box sees it: the last card presented, waiting for
the next one (for the login page and the intake form), and its state in words."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from edge.i18n import phrase
from hardware.card.errors import CardReaderError, NoCard

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardSeen:
    uid: str
    reader: str
    atr: str
    at: datetime
    number: int      # rises with every card presented: "newer than the one I saw"


class CardService:
    name = "card"

    def __init__(self, reader_spec: str, make_watcher: Callable[..., object], clock,
                 closers: tuple[Callable[[], None], ...] = ()):
        self.reader_spec = reader_spec
        self.clock = clock
        self._watcher = make_watcher(on_card=self._card, on_removed=self._removed, on_error=self._error)
        self._closers = closers
        self._condition = threading.Condition()
        self._last: CardSeen | None = None
        self._count = 0
        self._present = False
        self._error_seen: CardReaderError | None = None
        self._running = False
        self._listeners: list[Callable[[CardSeen], None]] = []

    def add_listener(self, listener: Callable[[CardSeen], None]) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._running = True
        self._watcher.start()

    def wait_until_listening(self, seconds: float = 5.0) -> bool:
        """For a serial reader: its port is open (a PC/SC reader listens at once)."""
        connected = getattr(self._watcher, "connected", None)
        return connected.wait(seconds) if connected is not None else True

    def stop(self) -> None:
        self._running = False
        self._watcher.stop()
        for close in self._closers:
            close()

    # --- from the watcher thread ----------------------------------------------------

    def _card(self, read) -> None:
        with self._condition:
            self._count += 1
            self._last = CardSeen(read.uid, read.reader, read.atr, self.clock.now(), self._count)
            self._present = True
            self._error_seen = None
            seen = self._last
            self._condition.notify_all()
        log.info("card presented on %s", read.reader)
        for listener in self._listeners:
            try:
                listener(seen)
            except Exception:
                log.exception("card listener failed")

    def _removed(self, reader: str) -> None:
        with self._condition:
            self._present = False

    def _error(self, error: CardReaderError) -> None:
        with self._condition:
            changed = self._error_seen is None or self._error_seen.code != error.code
            self._error_seen = error
        if changed:
            log.warning("card reader: %s", error.message)

    # --- for the portal ---------------------------------------------------------------

    def last_card(self) -> CardSeen | None:
        with self._condition:
            return self._last

    def wait_for_card(self, timeout: float, after: int | None = None) -> CardSeen:
        """The next card presented (newer than number `after`, default: any new one)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            floor = self._count if after is None else after
            while self._count <= floor:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NoCard(timeout)
                self._condition.wait(remaining)
            return self._last

    def status(self) -> dict:
        with self._condition:
            error, last, present = self._error_seen, self._last, self._present
        if not self._running:
            state, words = "stopped", phrase("card reader not running")
        elif error is not None:
            state, words = error.code, error.words()
        elif present:
            state, words = "card_present", phrase("a card is on the reader")
        else:
            state, words = "ready", phrase("ready: hold a card to the reader")
        return {"device": "card", "reader": self.reader_spec, "state": state,
                "ok": error is None and self._running, "words": words,
                "last_card_at": last.at.isoformat() if last else None}
