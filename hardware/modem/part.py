"""The modem as a part of the box: the SMS outbox, the worker, the intake's SMS."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hardware.modem import simulator
from hardware.modem.driver import Modem
from hardware.modem.outbox import RecipientError, SmsOutbox
from hardware.modem.pdu import PduError
from hardware.modem.settings import DEFAULT_INTAKE_SMS
from hardware.modem.worker import ModemWorker

log = logging.getLogger(__name__)


def status_path(home: Path) -> Path:
    return Path(home) / "run" / "modem-status.json"


@dataclass(frozen=True)
class ModemPart:
    """`box.parts.modem`: the worker that sends (and its simulator, for a
    `sim://` port), the SMS outbox and the hook that texts each intake's code."""

    worker: ModemWorker
    outbox: SmsOutbox
    intake_sms: Callable
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
        return (self.intake_sms,)


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
        sim = simulator.from_url(port, now=box.clock.now)

        def start_simulator() -> None:
            sim.start()
            modem.url = sim.port

        openers.append(start_simulator)
        closers.append(sim.stop)
    worker = ModemWorker(modem, outbox, box.clock, on_network_time=clock_offer(box.clock),
                         status_file=status_path(box.home), openers=tuple(openers),
                         closers=tuple(closers))
    if not settings["modem.delivery_reports"]:
        modem.info.delivery_reports = False
    return ModemPart(worker, outbox, intake_sms_hook(outbox, settings, worker.wake), sim)


def clock_offer(clock) -> Callable | None:
    """The clock's way to take a time from outside, if it has one."""
    return getattr(clock, "offer_network_time", None) or getattr(clock, "offer", None)


def intake_sms_hook(outbox: SmsOutbox, settings, wake: Callable[[], None]) -> Callable:
    template = settings["modem.intake_sms"]

    def queue_tracking_sms(intake) -> None:
        """Runs inside the intake's transaction: the SMS row commits with it."""
        mobile = getattr(intake, "mobile", None)
        if not mobile or not template:
            return
        text = intake_text(template, intake, settings)
        try:
            outbox.queue(mobile, text, purpose="intake.tracking_code", reference=intake.tracking_code)
        except (RecipientError, PduError) as error:
            # The intake stands; a citizen without a usable number gets the paper receipt only.
            log.warning("no SMS for intake %s: %s", intake.tracking_code, error)
            return
        wake()

    return queue_tracking_sms


def intake_text(template: str, intake, settings) -> str:
    service = getattr(intake, "service", None)
    values = {"tracking_code": intake.tracking_code, "office": settings["office.name"],
              "service": getattr(service, "name_fa", "") or ""}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("modem.intake_sms has an unknown {placeholder}; using the default text")
        return DEFAULT_INTAKE_SMS.format(**values)
