"""What the portal asks of the hardware as a whole: every device's state."""

from __future__ import annotations

from hardware.status import device_statuses


def attach(box) -> None:
    box.hardware_status = lambda: device_statuses(box)
