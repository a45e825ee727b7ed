"""The box's optional parts as the core and the web see them.

The assembly (`appliance.assembly`) builds each part the settings ask for and
hands them over as one `Parts`; an absent part is None. Code that uses a part
checks `if box.parts.printer is not None`: the interfaces below are all it may
rely on, so `web` needs to import nothing but `edge`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Worker(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


IntakeHook = Callable[[Any], None]
"""Runs inside an intake's write transaction: what it writes commits with the intake."""

StatusHook = Callable[[Any, str], None]
"""(intake, the status it left): runs inside the status change's write transaction."""


class SyncLink(Protocol):
    """The sync agent: its report and the portal's "send now" button."""

    def status(self) -> dict: ...
    def wake(self) -> None: ...


class DeviceReport(Protocol):
    """Every device's state in words ({"printer": {...}, "modem": {...}, ...})."""

    def statuses(self) -> dict[str, dict]: ...


class ReceiptPrinter(Protocol):
    def reprint_receipt(self, tracking_code: str, user) -> dict: ...
    def receipts_printed(self, tracking_code: str) -> int: ...
    def wake(self) -> None: ...


class Device(Protocol):
    """A device with a worker of its own (card reader, front panel)."""

    def status(self) -> dict: ...


class CardReader(Device, Protocol):
    def last_card(self) -> Any:
        """The last card presented at the box's reader, or None: `.uid`, `.at`
        (when, by the box's clock) and `.number` (rises with every card)."""


class SmsModem(Device, Protocol):
    def wake(self) -> None:
        """Send what is waiting now (the front panel's button)."""

    def messages_about(self, reference: str) -> list[dict]:
        """The SMS sent about one intake, oldest first: {"id", "kind", "state",
        "at", "reason", "reason_fa"}; `reason` is English (a catalogue msgid, or
        the modem's words with their Persian in `reason_fa`), None when none."""

    def resend(self, message_id: int, reference: str) -> None:
        """Queue that SMS again (edge.errors.NotFound / Conflict when it cannot be)."""


@dataclass(frozen=True)
class Parts:
    """What the settings asked for beside the core. `workers` run with the
    box (`edge run`); `intake_hooks` run in every intake's transaction,
    `status_hooks` in every status change's."""

    sync: SyncLink | None = None
    devices: DeviceReport | None = None
    printer: ReceiptPrinter | None = None
    modem: SmsModem | None = None
    card_reader: CardReader | None = None
    gpio: Device | None = None
    workers: tuple[Worker, ...] = field(default=())
    intake_hooks: tuple[IntakeHook, ...] = field(default=())
    status_hooks: tuple[StatusHook, ...] = field(default=())
