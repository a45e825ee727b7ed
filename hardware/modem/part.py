"""The modem as a part of the box: the SMS outbox, the worker, the citizen's texts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hardware.modem.citizen import CitizenSms, OptOuts
from hardware.modem.driver import Modem
from hardware.modem.outbox import SmsOutbox
from hardware.modem.worker import ModemWorker

log = logging.getLogger(__name__)


def status_path(home: Path) -> Path:
    return Path(home) / "run" / "modem-status.json"


@dataclass(frozen=True)
class ModemPart:
    """`box.parts.modem`: the worker that sends (and its simulator, for a
    `sim://` port), the SMS outbox and the citizen's texts (tracking code,
    done, cancelled; 11 and 12 in reply)."""

    worker: ModemWorker
    outbox: SmsOutbox
    citizen: CitizenSms
    simulator: object | None = None

    def status(self) -> dict:
        return self.worker.status()

    def wake(self) -> None:
        self.worker.wake()

    @property
    def workers(self) -> tuple[ModemWorker, ...]:
        return (self.worker,)

    @property
    def intake_hooks(self) -> tuple:
        return (self.citizen.on_intake,)

    @property
    def status_hooks(self) -> tuple:
        return (self.citizen.on_status,)

    def messages_about(self, reference: str) -> list[dict]:
        return self.citizen.messages_about(reference)

    def resend(self, message_id: int, reference: str) -> None:
        self.citizen.resend(message_id, reference)


def build(box) -> ModemPart | None:
    """The modem part for the modem.port setting; None for "none"."""
    settings = box.settings
    port = settings["modem.port"].strip()
    if port in ("", "none"):
        return None
    outbox = SmsOutbox(box.store, box.clock, max_attempts=settings["modem.retries"],
                       retry_seconds=settings["modem.retry_seconds"])
    modem = Modem(port, pin=settings["modem.pin"] or None,
                  command_timeout=settings["modem.command_timeout"],
                  send_timeout=settings["modem.send_timeout"], baudrate=settings["modem.baudrate"])
    openers, closers, sim = [], [], None
    if port.startswith("sim://"):
        from hardware.modem import simulator    # only for a simulated modem: a real box never loads it
        sim = simulator.from_url(port, now=box.clock.now)

        def start_simulator() -> None:
            sim.start()
            modem.url = sim.port

        openers.append(start_simulator)
        closers.append(sim.stop)
    worker = ModemWorker(modem, outbox, box.clock, on_network_time=clock_offer(box.clock),
                         status_file=status_path(box.home), openers=tuple(openers),
                         closers=tuple(closers))
    citizen = CitizenSms(outbox, OptOuts(box.store, box.clock), box.ratings, settings, worker.wake,
                         office_name=lambda: box.office().name)
    worker.on_received = citizen.on_received
    if not settings["modem.delivery_reports"]:
        modem.info.delivery_reports = False
    return ModemPart(worker, outbox, citizen, sim)


def clock_offer(clock) -> Callable | None:
    """The clock's way to take a time from outside, if it has one."""
    return getattr(clock, "offer_network_time", None) or getattr(clock, "offer", None)
