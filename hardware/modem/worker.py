"""The modem worker: one thread that owns the modem.

It brings the modem up (and back up after it stops answering), sends what
the outbox has due, stores received SMS before deleting them from the SIM,
applies delivery reports, keeps signal and operator fresh, and offers the
network's time to whoever wants it. Its state, in words, is `status()`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from edge.worker import Backoff, Round, Worker
from hardware.modem import at, pdu
from hardware.modem.driver import ERROR_STATES, Modem, ModemState, PortError, state_words
from hardware.modem.outbox import Received, SmsOutbox

log = logging.getLogger(__name__)

# States that only a new start-up (after a SIM swap, a new PIN) can leave.
SIM_WAITING_STATES = {ModemState.NO_SIM, ModemState.NEEDS_PIN, ModemState.WRONG_PIN,
                      ModemState.NEEDS_PUK, ModemState.FAULT}
RESET_AFTER = 3    # failed start-ups in a row before the modem is rebooted
BRING_UP_BACKOFF_CAP = 60.0
# Not Huawei's `^BOOT:`: an E1752 sends it every few seconds while it runs.
REBOOT_URCS = ("RDY", "^SYSSTART", "+CFUN:", "+CPIN: NOT READY")


class ModemWorker(Worker):
    """Rounds every `idle_seconds` (the modem's notices wait in its port
    meanwhile), or at once when woken; a modem that stops answering is
    brought up again after a backoff of its own."""

    name = "modem"

    def __init__(self, modem: Modem, outbox: SmsOutbox, clock,
                 on_network_time: Callable[[datetime], None] | None = None,
                 on_received: Callable[[Received], None] | None = None,
                 status_file: Path | None = None, refresh_seconds: float = 30.0,
                 recheck_seconds: float = 20.0, time_seconds: float = 3600.0,
                 idle_seconds: float = 0.3, backoff_seconds: float = 1.0, openers: tuple[Callable[[], None], ...] = (),
                 closers: tuple[Callable[[], None], ...] = ()):
        super().__init__("modem-worker", idle_seconds=idle_seconds,
                         join_seconds=modem.send_timeout + 5)
        self.modem = modem
        self.outbox = outbox
        self.clock = clock
        self.on_network_time = on_network_time
        self.on_received = on_received
        self.status_file = status_file
        self.refresh_seconds = refresh_seconds
        self.recheck_seconds = recheck_seconds
        self.time_seconds = time_seconds
        self._openers = openers
        self._closers = closers
        self._started = False          # the modem has been through start()
        self._retry_at = 0.0           # monotonic time of the next bring-up attempt
        self._bring_up_backoff = Backoff(backoff_seconds, BRING_UP_BACKOFF_CAP)
        self._failed_starts = 0
        self._refreshed_at = 0.0
        self._time_at = 0.0
        self._last_error: at.ModemError | None = None
        self._lock = threading.Lock()
        self._snapshot: dict = {}

    # --- the worker's life ------------------------------------------------------------

    def _on_start(self) -> bool:
        released = self.outbox.release_interrupted()
        if released:
            log.info("modem: %d SMS left half-sent by a stop go back to the queue", released)
        for open_ in self._openers:
            open_()
        return True

    def _on_stop(self) -> None:
        self.modem.close()
        for close in self._closers:
            close()
        self._publish()

    def _recover(self) -> None:
        """After a surprise: start the modem afresh, the SMS it held back in the queue."""
        self._started = False
        self.modem.close_port_only()
        self._release_claimed()

    # --- one round --------------------------------------------------------------------

    def step(self) -> Round:
        """The modem's own failures are handled here (its bring-up has its own
        backoff and SIM rechecks); only a surprise reaches the worker base."""
        try:
            self._use_modem()
        except PortError as error:
            self._lost(error, reopen=True)
        except at.ModemTimeout as error:
            self._lost(error, reopen=False)
        except at.ModemError as error:
            self._last_error = error
            log.warning("modem: %s", error.message)
        finally:
            self._publish()
        return Round.IDLE

    def _use_modem(self) -> None:
        if not self._started or self._waiting_for_sim_recheck():
            if not self._bring_up():
                return
        if self.modem.state in SIM_WAITING_STATES:
            return
        self._listen()
        if time.monotonic() - self._refreshed_at >= self.refresh_seconds:
            self._refresh()
        if self.modem.is_ready():
            self._send_due()

    def _release_claimed(self) -> None:
        """An SMS this worker had claimed goes back to the queue (this worker
        is the only sender), so a surprise never leaves it `sending` for good."""
        try:
            self.outbox.release_interrupted()
        except Exception:   # the store may still be busy: the next surprise, or start-up, tries again
            log.exception("modem worker: could not put a claimed SMS back")

    def _waiting_for_sim_recheck(self) -> bool:
        return self.modem.state in SIM_WAITING_STATES and time.monotonic() >= self._retry_at

    def _bring_up(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        try:
            state = self.modem.start()
        except PortError as error:
            self._lost(error, reopen=True)
            return False
        except at.ModemTimeout as error:
            self._lost(error, reopen=False)
            return False
        except at.ModemError as error:
            self._refused(error)
            return False
        self._failed_starts = 0
        self._started = True
        self._bring_up_backoff.succeeded()
        self._refreshed_at = time.monotonic()
        self._retry_at = time.monotonic() + self.recheck_seconds
        if state in SIM_WAITING_STATES:
            log.warning("modem: %s", state_words(state)["en"])
            return False
        self._last_error = None
        self._read_stored()
        self._offer_time()
        return True

    def _refused(self, error: at.ModemError) -> None:
        """The modem answers but refuses to start: after a few tries, reboot it."""
        self._last_error = error
        self._failed_starts += 1
        self.modem.set_state(ModemState.FAULT)
        log.warning("modem start-up failed (%d): %s", self._failed_starts, error.message)
        self._retry_at = time.monotonic() + self._bring_up_backoff.failed()
        if self._failed_starts % RESET_AFTER == 0:
            log.warning("modem: rebooting it (AT+CFUN=1,1)")
            try:
                self.modem.reset()
            except at.ModemError as reset_error:
                log.warning("modem reboot failed: %s", reset_error.message)

    def _lost(self, error: at.ModemError, reopen: bool) -> None:
        """The modem stopped answering, or its port went away."""
        self._last_error = error
        log.warning("modem: %s", error.message)
        if reopen:
            self.modem.close_port_only()
            self.modem.set_state(ModemState.NOT_RESPONDING)
            state = ModemState.NOT_RESPONDING
        else:
            state = self.modem.recover()
        if state == ModemState.READY:
            self._started = True
            self._bring_up_backoff.succeeded()
            self._last_error = None
            return
        self._started = state not in (ModemState.NOT_RESPONDING, ModemState.CLOSED, ModemState.STARTING)
        self._retry_at = time.monotonic() + self._bring_up_backoff.failed()

    # --- listening ---------------------------------------------------------------------

    def _listen(self) -> None:
        self.modem.poll(0)   # the idle wait between rounds is where time passes
        for urc in self.modem.take_urcs():
            self._handle(urc)

    def _handle(self, urc: at.Urc) -> None:
        if urc.name in ("+CMTI", "+CDSI"):
            try:
                _, index = at.parse_cmti(urc.line)
            except at.ParseError:
                log.warning("modem: bad new-message notice %r", urc.line[:60])
                return
            self._take_stored(index)
        elif urc.name == "+CDS" and urc.pdu:
            self._apply(urc.pdu)
        elif urc.line.startswith(REBOOT_URCS):
            log.warning("modem: it restarted (%s); starting it again", urc.line[:30])
            self._started = False
            self._retry_at = 0.0

    def _apply(self, message_hex: str) -> None:
        try:
            report = pdu.decode(message_hex)
        except pdu.PduError as error:
            log.warning("modem: unreadable delivery report: %s", error)
            return
        if isinstance(report, pdu.StatusReport):
            self.outbox.apply_report(report)

    def _read_stored(self) -> None:
        """Messages that came while the box was off wait in SIM memory."""
        for index, _ in self.modem.list_messages():
            self._take_stored(index)

    def _take_stored(self, index: int) -> None:
        message = self.modem.read_message(index)
        if isinstance(message, pdu.Deliver):
            # Stored and handled in one transaction, committed before the delete below.
            with self.outbox.store.write():
                received = self.outbox.store_received(message)
                if received is not None and self.on_received is not None:
                    self.on_received(received)
        elif isinstance(message, pdu.StatusReport):
            self.outbox.apply_report(message)
        try:
            self.modem.delete_message(index)
        except at.ModemError as error:
            log.warning("modem: cannot delete message %d: %s", index, error.message)

    # --- keeping up to date ----------------------------------------------------------

    def _refresh(self) -> None:
        self.modem.refresh()
        self._refreshed_at = time.monotonic()
        if time.monotonic() - self._time_at >= self.time_seconds:
            self._offer_time()

    def _offer_time(self) -> None:
        self._time_at = time.monotonic()
        moment = self.modem.network_time()
        if moment is not None and self.on_network_time is not None:
            try:
                self.on_network_time(moment)
            except Exception:
                log.exception("modem: the clock refused the network time")

    # --- sending -------------------------------------------------------------------------

    def _send_due(self) -> None:
        for message in self.outbox.due(limit=5):
            if self.stopping or not self.modem.is_ready():
                return
            claimed = self.outbox.claim(message.id)
            if claimed is None:
                continue
            try:
                references = self.modem.send_sms(claimed.recipient, claimed.text,
                                                 reference=claimed.id % 256)
            except at.ModemError as error:
                self.outbox.mark_attempt_failed(claimed.id, error)
                if isinstance(error, (at.ModemTimeout, PortError)):
                    raise
                if error.code in ("cms_331", "cms_30", "cms_310", "cms_311", "cms_316"):
                    self.modem.refresh()   # the reason is the modem's state: show it
                    return
                continue
            self.outbox.mark_sent(claimed.id, references)
            log.info("SMS %d sent to %s in %d part(s)", claimed.id, claimed.recipient, len(references))

    # --- status -----------------------------------------------------------------------------

    def status(self) -> dict:
        with self._lock:
            return dict(self._snapshot) if self._snapshot else self._build()

    def _build(self) -> dict:
        info = self.modem.info
        state = info.state
        words = state_words(state)
        if state in ERROR_STATES and self._last_error is not None:
            words = {"en": f"{words['en']}: {self._last_error.message}",
                     "fa": f"{words['fa']}: {self._last_error.message_fa}"}
        try:
            counts = self.outbox.counts()
        except Exception:   # the store is closing; the status still shows
            counts = {}
        return {
            "device": "modem",
            "port": self.modem.url,
            "state": state.value,
            "ok": state == ModemState.READY,
            "words": words,
            "signal": info.signal.as_dict() if info.signal else None,
            "operator": info.operator,
            "network_time": info.network_time.isoformat() if info.network_time else None,
            "delivery_reports": info.delivery_reports,
            "last_error": self._last_error.words() if self._last_error else None,
            "outbox": counts,
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }

    def _publish(self) -> None:
        snapshot = self._build()
        if self.status_file is not None:
            write_status_file(self.status_file, snapshot)
        with self._lock:
            self._snapshot = snapshot


def write_status_file(path: Path, snapshot: dict) -> None:
    """Atomically, so `edge hw status` in another process never reads half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        log.debug("modem status file %s: %s", path, error)
