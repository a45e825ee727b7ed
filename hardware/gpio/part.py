"""The front panel as a part of the box (only with gpio.enabled = true).

Short press: sync now. Long press, or mains lost for gpio.power_fail_seconds:
stop new intakes (`box.intakes.accepting`), flush the store, power off.
The buzzer sounds on every logged error; the LED shows the box's state.
"""

from __future__ import annotations

import logging

from hardware.gpio.panel import Pins
from hardware.gpio.status_led import light_state
from hardware.gpio.worker import GpioWorker

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


def build(box) -> GpioWorker | None:
    settings = box.settings
    if not settings["gpio.enabled"]:
        return None
    return GpioWorker(box, pins_from(settings), pin_factory_from(settings["gpio.pin_factory"]),
                      hold_seconds=settings["gpio.hold_seconds"],
                      power_fail_seconds=settings["gpio.power_fail_seconds"],
                      shutdown_command=settings["gpio.shutdown_command"], light=current_light)
