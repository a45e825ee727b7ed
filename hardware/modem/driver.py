"""The modem: a state machine over a serial port (any `serial_for_url` URL).

The transport is thin (bytes in, bytes out with a deadline); everything the
modem says is sorted by `hardware.modem.at`. One thread uses a `Modem` at a
time (the worker, or one CLI command); unsolicited lines that arrive during a
command are kept and handed out by `take_urcs()`.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import serial

from hardware.modem import at, pdu
from hardware.modem.signal import Signal, from_csq

log = logging.getLogger(__name__)
FINAL_GRACE_SECONDS = 0.3    # how long a lone answer waits for an OK that may never come
BUSY_FIRST_WAIT = 0.2        # first pause after a "busy" error; doubles up to the longest
BUSY_LONGEST_WAIT = 1.0
COMMON_BAUDRATES = (115200, 9600, 57600, 38400, 19200, 4800)
traffic = logging.getLogger("hardware.modem.traffic")   # its own log file in production


class ModemState(enum.Enum):
    CLOSED = "closed"
    STARTING = "starting"
    NO_SIM = "no_sim"
    NEEDS_PIN = "needs_pin"
    WRONG_PIN = "wrong_pin"
    NEEDS_PUK = "needs_puk"
    SEARCHING = "searching"
    DENIED = "denied"
    READY = "ready"
    NOT_RESPONDING = "not_responding"
    FAULT = "fault"


STATE_WORDS = {
    ModemState.CLOSED: ("modem not connected", "مودم وصل نیست"),
    ModemState.STARTING: ("modem starting", "مودم در حال راه‌اندازی"),
    ModemState.NO_SIM: ("no SIM card in the modem", "سیم‌کارت در مودم نیست"),
    ModemState.NEEDS_PIN: ("the SIM card asks for its PIN: set modem.pin",
                           "سیم‌کارت رمز PIN می‌خواهد: modem.pin را تنظیم کنید"),
    ModemState.WRONG_PIN: ("the SIM card refused the PIN in modem.pin; it is not tried again",
                           "سیم‌کارت رمز PIN تنظیم‌شده را نپذیرفت؛ دوباره امتحان نمی‌شود"),
    ModemState.NEEDS_PUK: ("the SIM card is locked: unlock it with its PUK in a phone",
                           "سیم‌کارت قفل است: با کد PUK در یک گوشی بازش کنید"),
    ModemState.SEARCHING: ("searching for the mobile network", "در حال جستجوی شبکهٔ تلفن همراه"),
    ModemState.DENIED: ("the mobile network refused this SIM", "شبکهٔ تلفن همراه این سیم‌کارت را نپذیرفت"),
    ModemState.READY: ("ready to send SMS", "آمادهٔ ارسال پیامک"),
    ModemState.NOT_RESPONDING: ("the modem does not answer", "مودم پاسخ نمی‌دهد"),
    ModemState.FAULT: ("the modem reports a fault", "مودم خطا گزارش می‌کند"),
}

ERROR_STATES = {ModemState.NO_SIM, ModemState.NEEDS_PIN, ModemState.WRONG_PIN,
                ModemState.NEEDS_PUK, ModemState.DENIED, ModemState.NOT_RESPONDING, ModemState.FAULT}


def state_words(state: ModemState) -> dict[str, str]:
    english, persian = STATE_WORDS[state]
    return {"en": english, "fa": persian}


class PortError(at.ModemError, OSError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot use the modem port {url}: {reason}",
                         f"درگاه مودم {url} در دسترس نیست: {reason}", code="port")


@dataclass
class ModemInfo:
    state: ModemState = ModemState.CLOSED
    signal: Signal | None = None
    registration: int | None = None
    operator: str | None = None
    network_time: datetime | None = None
    delivery_reports: bool = False
    manufacturer: str | None = None
    model: str | None = None
    last_error: at.ModemError | None = None
    baudrate: int | None = None     # the speed it answered at, when not the configured one
    extra: dict = field(default_factory=dict)


class Modem:
    def __init__(self, url: str, pin: str | None = None, command_timeout: float = 5.0,
                 send_timeout: float = 60.0, baudrate: int = 115200, busy_seconds: float = 10.0,
                 open_port: Callable[..., serial.SerialBase] = serial.serial_for_url):
        self.url = url
        self.pin = pin or None
        self.command_timeout = command_timeout
        self.send_timeout = send_timeout
        self.baudrate = baudrate
        self.busy_seconds = busy_seconds
        self.info = ModemInfo()
        self._open_port = open_port
        self._port: serial.SerialBase | None = None
        self._splitter = at.LineSplitter()
        self._heard = 0                  # bytes read so far: noise tells a wrong speed from silence
        self._urcs: list[at.Urc] = []
        self._idle = at.idle_collector()
        self._rejected_pin: str | None = None
        self._listeners: list[Callable[[ModemState], None]] = []

    # --- state ------------------------------------------------------------------

    @property
    def state(self) -> ModemState:
        return self.info.state

    def add_listener(self, listener: Callable[[ModemState], None]) -> None:
        self._listeners.append(listener)

    def set_state(self, state: ModemState) -> None:
        if state != self.info.state:
            log.info("modem %s: %s -> %s", self.url, self.info.state.value, state.value)
            self.info.state = state
            for listener in self._listeners:
                listener(state)

    def is_ready(self) -> bool:
        return self.info.state == ModemState.READY

    # --- the transport ------------------------------------------------------------

    @property
    def speed(self) -> int:
        """The speed to open the port at: the one the modem was found to answer at, else the setting."""
        return self.info.baudrate or self.baudrate

    def open(self) -> None:
        if self._port is not None:
            return
        try:
            self._port = self._open_port(self.url, baudrate=self.speed, timeout=0.1,
                                         write_timeout=2, exclusive=True)
        except TypeError:   # URL handlers (socket://, loop://) take no `exclusive`
            try:
                self._port = self._open_port(self.url, baudrate=self.speed, timeout=0.1,
                                             write_timeout=2)
            except (serial.SerialException, OSError, ValueError) as error:
                raise PortError(self.url, _reason(error)) from None
        except (serial.SerialException, OSError, ValueError) as error:
            raise PortError(self.url, _reason(error)) from None
        self._splitter.clear()
        self._idle = at.idle_collector()
        self.set_state(ModemState.STARTING)

    def close(self) -> None:
        self.close_port_only()
        self.set_state(ModemState.CLOSED)

    def _write(self, data: bytes) -> None:
        if self._port is None:
            raise PortError(self.url, "not open")
        traffic.debug("-> %r", data)
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as error:
            raise PortError(self.url, _reason(error)) from None

    def _read(self, seconds: float) -> bytes:
        if self._port is None:
            raise PortError(self.url, "not open")
        try:
            self._port.timeout = max(0.01, min(seconds, 0.1))
            data = self._port.read(max(1, self._port.in_waiting))
        except (serial.SerialException, OSError, TypeError) as error:
            raise PortError(self.url, _reason(error)) from None
        if data:
            traffic.debug("<- %r", data)
            self._heard += len(data)
        return data

    def _waiting(self) -> int:
        if self._port is None:
            raise PortError(self.url, "not open")
        try:
            return self._port.in_waiting
        except (serial.SerialException, OSError, TypeError) as error:
            raise PortError(self.url, _reason(error)) from None

    def _exchange(self, data: bytes, collector: at.ResponseCollector, timeout: float) -> None:
        self._write(data)
        deadline = time.monotonic() + timeout
        try:
            while not collector.done:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise at.ModemTimeout(collector.response.command[:20], timeout)
                for line in self._splitter.feed(self._read(remaining)):
                    collector.add(line)
                self._await_missing_final(collector)
        finally:
            self._idle.carry_over(collector)
            self._urcs.extend(collector.take_urcs())

    def _await_missing_final(self, collector: at.ResponseCollector) -> None:
        """An answer that some modems never follow with OK (Wavecom's `+CPIN:`)
        gets a short grace for its final code, then stands on its own."""
        if not collector.answered_without_final():
            return
        grace_ends = time.monotonic() + FINAL_GRACE_SECONDS
        while not collector.done and time.monotonic() < grace_ends:
            for line in self._splitter.feed(self._read(grace_ends - time.monotonic())):
                collector.add(line)
        if not collector.done:
            log.info("modem %s: %s answered without OK; the answer is taken as it is",
                     self.url, collector.response.command)
            collector.end_without_final()

    def command(self, text: str, timeout: float | None = None) -> at.Response:
        """Send one AT command and collect its response (errors are in it).
        While the modem or SIM says it is busy starting, wait a little and ask again."""
        busy_until = time.monotonic() + self.busy_seconds
        wait = BUSY_FIRST_WAIT
        while True:
            self.poll(0)
            collector = at.ResponseCollector(text)
            self._exchange(text.encode("ascii") + b"\r", collector, timeout or self.command_timeout)
            response = collector.response
            if not response.busy or time.monotonic() + wait > busy_until:
                return response
            log.info("modem %s: busy (%s) for %s; asking again in %.1f s",
                     self.url, response.final, text, wait)
            time.sleep(wait)
            wait = min(wait * 2, BUSY_LONGEST_WAIT)

    def checked(self, text: str, timeout: float | None = None) -> at.Response:
        """`command` that raises the modem's error as a ModemError."""
        return self.command(text, timeout).raise_for_error()

    def poll(self, seconds: float) -> list[at.Urc]:
        """Read what the modem says unasked for up to `seconds`; keeps the URCs."""
        deadline = time.monotonic() + seconds
        while True:
            if seconds <= 0 and not self._waiting():
                break   # nothing there: do not wait for it
            for line in self._splitter.feed(self._read(max(0.01, deadline - time.monotonic()))):
                self._idle.add(line)
            if time.monotonic() >= deadline:
                break
        self._urcs.extend(self._idle.take_urcs())
        return list(self._urcs)

    def take_urcs(self) -> list[at.Urc]:
        urcs, self._urcs = self._urcs, []
        return urcs

    # --- start-up -------------------------------------------------------------------

    def start(self) -> ModemState:
        """Bring the modem to a known state; returns where it stands."""
        self.open()
        self.set_state(ModemState.STARTING)
        self._synchronise()
        self.checked("ATE0")
        self.checked("AT+CMEE=1")
        state = self._unlock_sim()
        if state is not None:
            self.set_state(state)
            return state
        self.checked("AT+CMGF=0")
        self.command("AT+CTZU=1")          # not every modem has it; the time is then not offered
        self.command("AT+CREG=0")          # registration is asked for, not announced
        self.info.delivery_reports = self.command("AT+CNMI=2,1,0,1,0").ok
        if not self.info.delivery_reports:
            self.checked("AT+CNMI=2,1,0,0,0")
        self._identify()
        return self.refresh()

    def _synchronise(self) -> None:
        """A modem just powered or left in a prompt needs a nudge before it answers;
        one that answers only with noise may run at another speed than set."""
        refusal = self._nudge(attempts=3, timeout=min(self.command_timeout, 2.0))
        if refusal is None:
            return
        if refusal.code != "noise":
            raise refusal
        self._find_speed()

    def _nudge(self, attempts: int, timeout: float) -> at.ModemError | None:
        """None when the modem answers AT with OK, else why not; code `noise`
        when bytes came but no answer could be read from them."""
        heard_before = self._heard
        refusal: at.ModemError | None = None
        for attempt in range(attempts):
            try:
                if attempt:
                    self._write(at.ESC)
                response = self.command("AT", timeout=timeout)
                if response.ok:
                    return None
                refusal = response.error
            except at.ModemTimeout as error:
                refusal = error
        if isinstance(refusal, at.ModemTimeout) and self._heard > heard_before:
            return at.ModemError("the modem answers with noise", "مودم نویز می‌فرستد", code="noise")
        return refusal

    def _find_speed(self) -> None:
        """Try the common speeds; the one the modem answers at is kept in `info.baudrate`."""
        for rate in COMMON_BAUDRATES:
            if rate == self.baudrate:
                continue
            self._set_speed(rate)
            if self._nudge(attempts=1, timeout=min(self.command_timeout, 1.0)) is None:
                log.warning("modem %s answers at %d baud, not the configured %d: set modem.baudrate = %d",
                            self.url, rate, self.baudrate, rate)
                self.info.baudrate = rate
                return
        self._set_speed(self.baudrate)
        tried = ", ".join(str(rate) for rate in COMMON_BAUDRATES)
        raise at.ModemError(
            f"the modem answers only with noise at every common speed ({tried} baud): "
            "check the wiring (TX, RX, ground) and the modem's power",
            f"مودم در هیچ‌یک از سرعت‌های رایج ({tried} باود) پاسخ خوانا نمی‌دهد: "
            "سیم‌کشی (TX، RX، زمین) و برق مودم را بررسی کنید", code="baudrate")

    def _set_speed(self, rate: int) -> None:
        if self._port is None:
            raise PortError(self.url, "not open")
        try:
            self._port.baudrate = rate
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError, ValueError) as error:
            raise PortError(self.url, _reason(error)) from None
        self._splitter.clear()

    def _unlock_sim(self) -> ModemState | None:
        response = self.command("AT+CPIN?")
        error = response.error
        if error is not None:
            return {"cme_10": ModemState.NO_SIM, "cme_13": ModemState.NO_SIM,
                    "cme_12": ModemState.NEEDS_PUK, "cme_11": ModemState.NEEDS_PIN}.get(
                        error.code, ModemState.FAULT)
        values = response.values("+CPIN:")
        status = at.parse_cpin(values[0]) if values else "READY"
        if status == "READY":
            return None
        if status in ("SIM PUK", "SIM PUK2"):
            return ModemState.NEEDS_PUK
        if status != "SIM PIN":
            return ModemState.FAULT
        if not self.pin:
            return ModemState.NEEDS_PIN
        if self.pin == self._rejected_pin:
            return ModemState.WRONG_PIN   # a SIM locks after three wrong PINs: never guess
        result = self.command(f'AT+CPIN="{self.pin}"')
        if result.ok:
            self._wait_for_sim()
            return None
        if result.error and result.error.code == "cme_16":
            self._rejected_pin = self.pin
            return ModemState.WRONG_PIN
        return ModemState.FAULT

    def _wait_for_sim(self) -> None:
        for _ in range(20):
            values = self.command("AT+CPIN?").values("+CPIN:")
            if values and at.parse_cpin(values[0]) == "READY":
                return
            time.sleep(0.25)

    def _identify(self) -> None:
        for command, attribute in (("AT+CGMI", "manufacturer"), ("AT+CGMM", "model")):
            response = self.command(command)
            if response.ok and response.lines:
                setattr(self.info, attribute, response.lines[0][:40])

    # --- what it knows ----------------------------------------------------------------

    def refresh(self) -> ModemState:
        """Signal, registration and operator; sets READY/SEARCHING/DENIED."""
        values = self.checked("AT+CSQ").values("+CSQ:")
        if values:
            try:
                self.info.signal = from_csq(at.parse_csq(values[0])[0])
            except at.ParseError as error:
                log.warning("modem signal: %s", error)
        registration = None
        values = self.checked("AT+CREG?").values("+CREG:")
        if values:
            try:
                registration = at.parse_creg(values[0])
            except at.ParseError as error:
                log.warning("modem registration: %s", error)
        self.info.registration = registration
        self.info.operator = None
        if registration in (1, 5):
            self.command("AT+COPS=3,0")
            values = self.command("AT+COPS?").values("+COPS:")
            self.info.operator = at.parse_cops(values[0]) if values else None
            state = ModemState.READY
        elif registration == 3:
            state = ModemState.DENIED
        else:
            state = ModemState.SEARCHING
        self.set_state(state)
        return state

    def network_time(self) -> datetime | None:
        """The network's time (NITZ) as the modem keeps it, or None."""
        response = self.command("AT+CCLK?")
        values = response.values("+CCLK:") if response.ok else []
        if not values:
            return None
        try:
            self.info.network_time = at.parse_cclk(values[0])
        except at.ParseError as error:
            log.warning("modem clock: %s", error)
            return None
        return self.info.network_time

    # --- SMS ----------------------------------------------------------------------------

    def send_pdu(self, submit: pdu.SubmitPdu) -> int:
        """One part; returns the network's message reference."""
        collector = at.ResponseCollector(f"AT+CMGS={submit.length}", wants_prompt=True)
        self.poll(0)
        self._exchange(f"AT+CMGS={submit.length}\r".encode(), collector, self.command_timeout)
        if not collector.prompted:
            collector.response.raise_for_error()
            raise at.ModemError("the modem did not ask for the message",
                                "مودم متن پیامک را نخواست", code="no_prompt")
        body = at.ResponseCollector(submit.hex, prefix="+CMGS:")
        try:
            self._exchange(submit.hex.encode("ascii") + at.CTRL_Z, body, self.send_timeout)
        except at.ModemTimeout:
            self._write(at.ESC)   # leave the prompt, or every later command is swallowed
            raise
        body.response.raise_for_error()
        values = body.response.values("+CMGS:")
        if not values:
            raise at.ModemError("the modem gave no message reference", "مودم شمارهٔ مرجع پیامک نداد",
                                code="no_reference")
        try:
            return at.parse_cmgs(values[0])
        except at.ParseError:
            raise at.ModemError("the modem gave a bad message reference",
                                "مودم شمارهٔ مرجع نادرست داد", code="no_reference") from None

    def send_sms(self, number: str, text: str, reference: int = 0,
                 status_report: bool | None = None) -> list[int]:
        """All parts of one text; returns their message references in order."""
        wants_report = self.info.delivery_reports if status_report is None else status_report
        try:
            pdus = pdu.encode_submit(number, text, reference=reference, status_report=wants_report)
        except pdu.PduError as error:
            raise at.ModemError(f"cannot encode the SMS: {error}", f"پیامک را نمی‌توان ساخت: {error}",
                                code="encode", permanent=True) from None
        return [self.send_pdu(part) for part in pdus]

    def read_message(self, index: int) -> pdu.Deliver | pdu.StatusReport | None:
        """The message at `index` in SIM memory; None when the slot is empty or unreadable."""
        response = self.command(f"AT+CMGR={index}")
        if not response.ok:
            return None
        try:
            _, message = at.parse_cmgr(response)
            return pdu.decode(message)
        except (at.ParseError, pdu.PduError) as error:
            log.warning("modem: message %d unreadable: %s", index, error)
            return None

    def list_messages(self) -> list[tuple[int, str]]:
        response = self.command("AT+CMGL=4", timeout=self.command_timeout * 2)
        return at.parse_cmgl(response) if response.ok else []

    def delete_message(self, index: int) -> None:
        self.checked(f"AT+CMGD={index}")

    # --- when it stops answering ----------------------------------------------------------

    def recover(self) -> ModemState:
        """After a timeout: leave a stuck prompt, then reopen the port (a USB
        modem that rebooted is a new device file), then start again."""
        try:
            self._write(at.ESC)
            if self.command("AT", timeout=2).ok:
                return self.start()
        except at.ModemError:
            pass
        self.close()
        try:
            return self.start()
        except at.ModemError as error:
            self.info.last_error = error
            self.set_state(ModemState.NOT_RESPONDING)
            self.close_port_only()
            return ModemState.NOT_RESPONDING

    def reset(self) -> ModemState:
        """Reboot the modem (AT+CFUN=1,1) and start again."""
        try:
            self.command("AT+CFUN=1,1", timeout=10)
        except at.ModemError:
            pass
        self.close()
        time.sleep(1)
        return self.start()

    def close_port_only(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:120]
