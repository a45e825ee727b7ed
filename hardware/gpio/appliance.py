"""The front panel as a part of the box (only with gpio.enabled = true).

Short press: sync now. Long press, or mains lost for gpio.power_fail_seconds:
stop new intakes (`box.intakes.accepting`), flush the store, power off.
The buzzer sounds on every logged error; the LED shows the box's state.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import threading
import time
from typing import Callable

from edge.i18n import phrase
from hardware.gpio.panel import GpioPanel, Pins
from hardware.gpio.status_led import WORDS, light_state

log = logging.getLogger(__name__)


def pins_from(settings) -> Pins:
    def pin(name):
        value = settings[name]
        return None if value < 0 else value
    return Pins(led=pin("gpio.led_pin"), button=pin("gpio.button_pin"), buzzer=pin("gpio.buzzer_pin"),
                power_fail=pin("gpio.power_fail_pin"),
                power_fail_active_high=settings["gpio.power_fail_active_high"])


def pin_factory_from(name: str):
    """A gpiozero pin factory by name; None lets gpiozero choose (on a Pi: lgpio)."""
    if not name:
        return None
    if name == "mock":
        from gpiozero.pins.mock import MockFactory
        return MockFactory()
    modules = {"lgpio": ("gpiozero.pins.lgpio", "LGPIOFactory"), "rpigpio": ("gpiozero.pins.rpigpio", "RPiGPIOFactory"),
               "pigpio": ("gpiozero.pins.pigpio", "PiGPIOFactory"), "native": ("gpiozero.pins.native", "NativeFactory")}
    module_name, class_name = modules[name]
    import importlib
    return getattr(importlib.import_module(module_name), class_name)()


def current_light(box) -> str:
    """The LED state from the sync agent's and the devices' status."""
    sync = None
    if box.parts.sync is not None:
        try:
            sync = box.parts.sync.status()
        except Exception:   # the LED must keep going whatever the sync agent does
            log.debug("sync status unavailable", exc_info=True)
    devices = []
    from hardware import card, modem, printer
    for status in (modem.status, card.status, printer.status):
        try:
            devices.append(status(box))
        except Exception:
            log.debug("device status unavailable", exc_info=True)
    return light_state(sync, devices)


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


class GpioWorker:
    name = "gpio"

    def __init__(self, box, pins: Pins, pin_factory=None, hold_seconds: float = 3.0,
                 power_fail_seconds: float = 5.0, shutdown_command: str = "systemctl poweroff",
                 interval: float = 1.0, light: Callable[[object], str] = current_light,
                 run_command: Callable[[list[str]], None] | None = None):
        self.box, self.pins, self.pin_factory = box, pins, pin_factory
        self.hold_seconds, self.power_fail_seconds = hold_seconds, power_fail_seconds
        self.shutdown_command = shutdown_command
        self.interval = interval
        self.light = light
        self.run_command = run_command or (lambda argv: subprocess.run(argv, check=False, timeout=30))
        self.panel: GpioPanel | None = None
        self.error: str | None = None
        self.shutting_down: str | None = None
        self._handler: BuzzOnErrors | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._shutdown_lock = threading.Lock()

    def start(self) -> None:
        try:
            self.panel = GpioPanel(self.pins, self.pin_factory, on_sync_now=self.sync_now,
                                   on_shutdown=self.shutdown, on_power_fail=self.power_failed,
                                   on_power_back=self.power_back, hold_seconds=self.hold_seconds,
                                   power_fail_seconds=self.power_fail_seconds)
        except Exception as error:   # no GPIO on this machine, a pin in use: a message, not a crash
            self.error = f"{type(error).__name__}: {error}"
            log.error("GPIO front panel unavailable: %s", self.error)
            return
        self._handler = BuzzOnErrors(self.panel.beep_error)
        logging.getLogger().addHandler(self._handler)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="gpio-led", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler = None
        if self.panel is not None:
            self.panel.close()
            self.panel = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.panel.show(self.light(self.box))
            except Exception:
                log.exception("status LED update failed")
                self.panel.show("fault")
            self._stopping.wait(self.interval)

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


def build(box) -> GpioWorker | None:
    settings = box.settings
    if not settings["gpio.enabled"]:
        return None
    return GpioWorker(box, pins_from(settings), pin_factory_from(settings["gpio.pin_factory"]),
                      hold_seconds=settings["gpio.hold_seconds"],
                      power_fail_seconds=settings["gpio.power_fail_seconds"],
                      shutdown_command=settings["gpio.shutdown_command"])
