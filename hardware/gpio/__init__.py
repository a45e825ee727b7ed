"""The front panel on the Raspberry Pi's GPIO: status LED, button, buzzer, power-fail input.

`status(box)` is the panel's state in words.
"""

from __future__ import annotations

from edge.i18n import phrase


def status(box) -> dict:
    worker = box.parts.gpio
    if worker is None:
        enabled = box.settings["gpio.enabled"]
        return {"device": "gpio", "state": "disabled" if not enabled else "unknown", "ok": True,
                "words": phrase("GPIO front panel off (gpio.enabled = false)") if not enabled
                else phrase("the box is not running, front panel state unknown")}
    return worker.status()
