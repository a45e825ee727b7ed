"""The GSM modem: AT commands over a serial port, SMS in PDU mode, an SMS outbox.

`status(box)` is the modem's state in words for `edge hw status` and the
portal's /hardware page.
"""

from __future__ import annotations


def status(box) -> dict:
    from hardware.modem.health import modem_status
    return modem_status(box)
