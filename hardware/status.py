"""Every device's state in words, for `edge hw status` and the portal's /hardware page."""

from __future__ import annotations

import logging

from edge.i18n import phrase

log = logging.getLogger(__name__)


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
