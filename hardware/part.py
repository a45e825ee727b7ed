"""What the portal asks of the hardware as a whole: every device's state."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.status import device_statuses


@dataclass(frozen=True)
class DeviceReport:
    """`box.parts.devices`, for the portal's /hardware page."""

    box: object

    def statuses(self) -> dict[str, dict]:
        return device_statuses(self.box)


def build(box) -> DeviceReport:
    return DeviceReport(box)
