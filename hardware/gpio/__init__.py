"""The front panel on the Raspberry Pi's GPIO: status LED, button, buzzer, power-fail input.

`status(box)` is the panel's state in words.
"""

from __future__ import annotations


def status(box) -> dict:
    worker = box.parts.gpio
    if worker is None:
        enabled = box.settings["gpio.enabled"]
        return {"device": "gpio", "state": "disabled" if not enabled else "unknown", "ok": True,
                "words": {"en": "GPIO front panel off (gpio.enabled = false)" if not enabled
                          else "the box is not running, front panel state unknown",
                          "fa": "پنل GPIO خاموش است" if not enabled else "وضعیت پنل نامعلوم است"}}
    return worker.status()
