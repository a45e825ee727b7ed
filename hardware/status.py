"""Every device's state in words, for `edge hw status` and the portal's /hardware page."""

from __future__ import annotations

import logging

from edge.i18n import N_, phrase

log = logging.getLogger(__name__)

# The devices' names as people read them (the portal names them the same way).
DEVICE_NAMES = {"printer": N_("Receipt printer"), "modem": N_("GSM modem"),
                "card": N_("Card reader"), "gpio": N_("Lights and power")}


def device_statuses(box) -> dict[str, dict]:
    """{"printer": {...}, "modem": {...}, "card": {...}, "gpio": {...}}; each has
    "state", "ok" and "words" (an `edge.i18n.phrase`); a device whose status fails says so."""
    from hardware import card, gpio, modem, printer
    sources = {"printer": printer.status, "modem": modem.status, "card": card.status,
               "gpio": gpio.status}
    found = {}
    for name, status in sources.items():
        try:
            found[name] = status(box)
        except Exception as error:   # one broken device must not hide the others
            log.exception("%s status failed", name)
            found[name] = {"device": name, "state": "error", "ok": False,
                           "words": phrase("status unavailable: %(error)s", error=str(error))}
    return found
