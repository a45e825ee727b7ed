"""What every card reader watcher shares: a thread, its callbacks, start and stop."""

from __future__ import annotations

import threading
from typing import Callable

from hardware.card.errors import CardReaderError


class Watcher:
    """Calls `on_card(CardRead)` when a card is presented, `on_removed(reader)`
    when it is taken away and `on_error(error)` when the reader fails (and
    keeps trying). Subclasses write `_run`, which ends when `_stopping` is set."""

    name = "card-reader"
    thread_name = "card-watcher"

    def __init__(self, on_card: Callable, on_removed: Callable[[str], None] = lambda reader: None,
                 on_error: Callable[[CardReaderError], None] = lambda error: None):
        self.on_card, self.on_removed, self.on_error = on_card, on_removed, on_error
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        raise NotImplementedError
