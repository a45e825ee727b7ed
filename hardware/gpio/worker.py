"""The front panel's worker: it opens the panel (LED, button, buzzer,
power-fail input), keeps the LED showing the box's state, sounds the buzzer
on every logged error, and does what the panel asks.

Short press: sync now. Long press, or mains lost for gpio.power_fail_seconds:
stop new intakes (`box.intakes.accepting`), flush the store, power off.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import threading
import time
from typing import Callable

from edge.i18n import phrase
from edge.worker import Round, Worker
from hardware.gpio.panel import GpioPanel, Pins
from hardware.gpio.status_led import WORDS

log = logging.getLogger(__name__)


def flush_store(box) -> None:
    """Everything committed into the main database file before the power goes."""
    with box.store.write():
        pass
    box.store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class BuzzOnErrors(logging.Handler):
    def __init__(self, beep: Callable[[], None], every_seconds: float = 5.0):
        super().__init__(level=logging.ERROR)
        self.beep, self.every_seconds, self._last = beep, every_seconds, 0.0

    def emit(self, record: logging.LogRecord) -> None:
        now = time.monotonic()
        if now - self._last >= self.every_seconds:
            self._last = now
            try:
                self.beep()
            except Exception:   # a buzzer fault must not break logging
                pass


class GpioWorker(Worker):
    """Opens the panel, then shows the box's state on the LED every
    `interval` seconds; `light(box)` says which state that is."""

    name = "gpio"

    def __init__(self, box, pins: Pins, pin_factory=None, hold_seconds: float = 3.0,
                 power_fail_seconds: float = 5.0, shutdown_command: str = "systemctl poweroff",
                 interval: float = 1.0, *, light: Callable[[object], str],
                 run_command: Callable[[list[str]], None] | None = None):
        super().__init__("gpio-led", idle_seconds=interval, join_seconds=5.0)
        self.box, self.pins, self.pin_factory = box, pins, pin_factory
        self.hold_seconds, self.power_fail_seconds = hold_seconds, power_fail_seconds
        self.shutdown_command = shutdown_command
        self.light = light
        self.run_command = run_command or (lambda argv: subprocess.run(argv, check=False, timeout=30))
        self.panel: GpioPanel | None = None
        self.error: str | None = None
        self.shutting_down: str | None = None
        self._handler: BuzzOnErrors | None = None
        self._shutdown_lock = threading.Lock()

    def _on_start(self) -> bool:
        try:
            self.panel = GpioPanel(self.pins, self.pin_factory, on_sync_now=self.sync_now,
                                   on_shutdown=self.shutdown, on_power_fail=self.power_failed,
                                   on_power_back=self.power_back, hold_seconds=self.hold_seconds,
                                   power_fail_seconds=self.power_fail_seconds)
        except Exception as error:   # no GPIO on this machine, a pin in use: a message, not a crash
            self.error = f"{type(error).__name__}: {error}"
            log.error("GPIO front panel unavailable: %s", self.error)
            return False
        self._handler = BuzzOnErrors(self.panel.beep_error)
        logging.getLogger().addHandler(self._handler)
        return True

    def _on_stop(self) -> None:
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler = None
        if self.panel is not None:
            self.panel.close()
            self.panel = None

    def step(self) -> Round:
        self.panel.show(self.light(self.box))
        return Round.IDLE

    def _recover(self) -> None:
        self.panel.show("fault")   # the LED says something is wrong while it backs off

    # --- what the panel asks for -------------------------------------------------------------

    def sync_now(self) -> None:
        log.info("button pressed: sync now")
        for part in (self.box.parts.sync, self.box.parts.modem):
            if part is not None:
                part.wake()

    def power_failed(self) -> None:
        self.box.intakes.accepting = False

    def power_back(self) -> None:
        if self.shutting_down is None:
            self.box.intakes.accepting = True

    def shutdown(self, reason: str) -> None:
        """Stop intakes, flush, power off; once."""
        with self._shutdown_lock:
            if self.shutting_down is not None:
                return
            self.shutting_down = reason
        self.box.intakes.accepting = False
        try:
            flush_store(self.box)
        except Exception:
            log.exception("flushing the store before shutdown failed")
        log.warning("shutting down (%s): %s", reason, self.shutdown_command)
        if self.shutdown_command:
            self.run_command(shlex.split(self.shutdown_command))

    def status(self) -> dict:
        panel = self.panel
        if self.error:
            return {"device": "gpio", "state": "unavailable", "ok": False,
                    "words": phrase("GPIO front panel unavailable: %(error)s",
                                    error=str(self.error))}
        if panel is None:
            return {"device": "gpio", "state": "stopped", "ok": True,
                    "words": phrase("front panel stopped")}
        light = panel.shown or "online"
        words = phrase(WORDS[light])
        power = "battery" if panel.power_failed else "mains"
        if power == "battery":
            words = phrase("on battery: new intakes stopped")
        return {"device": "gpio", "state": light, "ok": True, "power": power,
                "accepting_intakes": bool(self.box.intakes.accepting),
                "shutting_down": self.shutting_down, "words": words}
