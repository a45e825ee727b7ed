"""The box's front panel on GPIO: status LED, one button, a buzzer and the
UPS board's power-fail line. gpiozero is imported here, when a panel is
made, never when the package is imported (the box also runs on laptops);
the pin factory is passed in (gpiozero's MockFactory in tests)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from hardware.gpio.status_led import pattern_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pins:
    led: int | None = 17
    button: int | None = 27
    buzzer: int | None = 22
    power_fail: int | None = 6
    power_fail_active_high: bool = True   # Geekworm X728 style: the line goes high on mains loss


class GpioPanel:
    def __init__(self, pins: Pins, pin_factory=None,
                 on_sync_now: Callable[[], None] = lambda: None,
                 on_shutdown: Callable[[str], None] = lambda reason: None,
                 on_power_fail: Callable[[], None] = lambda: None,
                 on_power_back: Callable[[], None] = lambda: None,
                 hold_seconds: float = 3.0, power_fail_seconds: float = 5.0):
        from gpiozero import LED, Button, Buzzer, DigitalInputDevice
        self.on_sync_now, self.on_shutdown = on_sync_now, on_shutdown
        self.on_power_fail, self.on_power_back = on_power_fail, on_power_back
        self.power_fail_seconds = power_fail_seconds
        self.shown: str | None = None
        self.power_failed = False
        self._held = False
        self._shutdown_timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self.led = LED(pins.led, pin_factory=pin_factory) if pins.led is not None else None
        self.buzzer = Buzzer(pins.buzzer, pin_factory=pin_factory) if pins.buzzer is not None else None
        self.button = None
        if pins.button is not None:
            self.button = Button(pins.button, pull_up=True, hold_time=hold_seconds, bounce_time=None,
                                 pin_factory=pin_factory)
            self.button.when_pressed = self._pressed
            self.button.when_held = self._long_press
            self.button.when_released = self._released
        self.power = None
        if pins.power_fail is not None:
            self.power = DigitalInputDevice(pins.power_fail, pull_up=not pins.power_fail_active_high,
                                            pin_factory=pin_factory)
            self.power.when_activated = self._mains_lost
            self.power.when_deactivated = self._mains_back
            if self.power.is_active:
                self._mains_lost()

    # --- LED and buzzer -----------------------------------------------------------------

    def show(self, state: str) -> None:
        if self.led is None or state == self.shown:
            return
        self.shown = state
        pattern = pattern_for(state)
        if pattern.steady:
            self.led.on()
        else:
            self.led.blink(on_time=pattern.on_seconds, off_time=pattern.off_seconds)

    def beep_error(self) -> None:
        if self.buzzer is not None:
            self.buzzer.beep(on_time=0.1, off_time=0.1, n=2)

    # --- the button: a short press syncs, a long press shuts down --------------------------

    def _pressed(self) -> None:
        self._held = False

    def _long_press(self) -> None:
        self._held = True
        log.warning("button held: shutting down")
        self.on_shutdown("button")

    def _released(self) -> None:
        if not self._held:
            self.on_sync_now()
        self._held = False

    # --- power --------------------------------------------------------------------------------

    def _mains_lost(self) -> None:
        with self._lock:
            if self.power_failed:
                return
            self.power_failed = True
            log.warning("mains power lost: new intakes stop; shutting down in %g s unless it returns",
                        self.power_fail_seconds)
            self.on_power_fail()
            self._shutdown_timer = threading.Timer(self.power_fail_seconds, self._still_no_power)
            self._shutdown_timer.daemon = True
            self._shutdown_timer.start()

    def _still_no_power(self) -> None:
        with self._lock:
            if not self.power_failed:
                return
        self.on_shutdown("power")

    def _mains_back(self) -> None:
        with self._lock:
            if not self.power_failed:
                return
            self.power_failed = False
            if self._shutdown_timer is not None:
                self._shutdown_timer.cancel()
        log.warning("mains power is back: intakes resume")
        self.on_power_back()

    def close(self) -> None:
        if self._shutdown_timer is not None:
            self._shutdown_timer.cancel()
        for device in (self.led, self.buzzer, self.button, self.power):
            if device is not None:
                device.close()
