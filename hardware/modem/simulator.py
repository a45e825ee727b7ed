"""A GSM modem on the far end of a pseudo-terminal.

`ModemSimulator().start()` opens an `os.openpty()` pair and answers AT
commands on the master side in a thread; `simulator.port` is the
`/dev/pts/N` path that the driver opens like any serial port. It behaves as
the common USB modems do (SIMCom, Quectel, Huawei): echo on at power-up,
PDU-mode SMS with the `> ` prompt, `+CMTI` for a new SMS, `+CDS` delivery
reports, `+CCLK` network time. It can be told to fail:

- `no_sim`       no SIM card (`+CME ERROR: 10`)
- `pin`          the SIM asks for its PIN (`pin=` the right one); `puk` after 3 wrong
- `puk`          the SIM is locked and wants its PUK
- `no_signal`    `+CSQ: 99,99`, not registered, sending fails with `+CMS ERROR: 331`
- `cms`          sending fails with `+CMS ERROR: <code>` (`times=` how often, default always)
- `silence`      reads everything, answers nothing (a hung modem)
- `garbage`      answers line noise only (wrong baud rate, broken firmware)
- `noisy`        answers correctly but with junk and unsolicited lines in between
- `wedged`       answers ERROR to everything but `AT` until rebooted with AT+CFUN=1,1

Faults come from `set_fault(...)` or from the URL `sim://?fault=pin&pin=1234`.

A profile makes it behave like one real modem, quirks included (recorded from
real devices in python-gsmmodem's test suite and the vendors' AT manuals);
`ModemSimulator(profile=...)` or `sim://?profile=wavecom`:

- `wavecom`      Wavecom Multiband 900E 1800: `+CPIN: READY` with no `OK`;
                 `+CME ERROR: 515` (still starting) for a few commands after power-up
                 and `AT+CFUN=1`; no `AT+CTZU`, no `AT+CLAC`
- `huawei`       Huawei E1752: `COMMAND NOT SUPPORT` for what it lacks; `^RSSI`, `^BOOT`,
                 `^MODE` lines at any time, also inside answers; `+CLAC` lines end `\r\r\n`
- `qualcomm`     Qualcomm M6280 sticks (ZTE): `+CME ERROR: 14` (SIM busy) to SIM commands
                 just after start; no `AT+CLAC`
- `sim800`       SIMCom SIM800: `RDY`, `+CFUN: 1`, `+CPIN: READY`, `Call Ready`, `SMS Ready`
                 arrive while the box already talks to it; echo on
- `ec25`         Quectel EC25: `RDY`, `+CPIN: READY`, `+QUSIM: 1`, `+QIND: SMS DONE`,
                 `+QIND: PB DONE` at boot
- `baud9600`     a SIM800L on a UART fixed at 9600 baud: at any other speed the box
                 hears only noise
"""

from __future__ import annotations

import logging
import os
import random
import re
import select
import termios
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from hardware.modem import pdu
from hardware.pty import PtyPair

log = logging.getLogger(__name__)

FAULTS = ("no_sim", "pin", "puk", "no_signal", "cms", "silence", "garbage", "noisy", "wedged")
TEHRAN = timezone(timedelta(hours=3, minutes=30))
SIM_COMMANDS = ("+CPIN?", "+CIMI", "+CSCA?", "+CPMS", "+CMGS", "+CMGR", "+CMGL", "+CMGD")


@dataclass(frozen=True)
class Profile:
    """How one real modem differs from the standard."""
    manufacturer: str = "Pishkhan"
    model: str = "SIM-MODEM"
    cpin_ends_with_ok: bool = True
    busy_code: int | None = None          # the +CME ERROR it gives while starting
    busy_commands: int = 0                # to how many commands after power-up
    busy_only: tuple[str, ...] = ()       # only to these (upper-case, without AT); () = all
    refusal: str = "ERROR"                # its answer to a command it does not have
    lacks: tuple[str, ...] = ()           # commands it does not have
    boot_urcs: tuple[str, ...] = ()       # said one before each answer after power-up
    chatter: tuple[str, ...] = ()         # URCs it sends around every answer, in turn
    clac_line_end: str = ""               # extra characters after each +CLAC line
    baudrate: int | None = None           # the only speed it understands (None: any)


PROFILES = {
    "standard": Profile(),
    "wavecom": Profile(manufacturer=" WAVECOM MODEM", model=" MULTIBAND  900E  1800",
                       cpin_ends_with_ok=False, busy_code=515, busy_commands=3,
                       lacks=("+CTZU=1", "+CLAC")),
    "huawei": Profile(manufacturer="huawei", model="E1752", refusal="COMMAND NOT SUPPORT",
                      lacks=("+WIND?", "+ZPAS?"), clac_line_end="\r",
                      chatter=("^RSSI:17", "^BOOT:20952548,0,0,0,72", "^MODE:5,4")),
    "qualcomm": Profile(manufacturer="QUALCOMM INCORPORATED", model="M6280", busy_code=14,
                        busy_commands=2, busy_only=SIM_COMMANDS, lacks=("+CLAC",)),
    "sim800": Profile(manufacturer="SIMCOM_Ltd", model="SIMCOM_SIM800",
                      boot_urcs=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready")),
    "ec25": Profile(manufacturer="Quectel", model="EC25",
                    boot_urcs=("RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE",
                               "+QIND: PB DONE")),
    "baud9600": Profile(manufacturer="SIMCOM_Ltd", model="SIMCOM_SIM800L", baudrate=9600),
}
# What AT+CLAC lists (the commands it answers), as modems print it: one a line.
CLAC = ("+CGMI", "+CGMM", "+CGSN", "+CFUN", "+CPIN", "+CIMI", "+CSQ", "+CREG", "+COPS", "+CCLK",
        "+CTZU", "+CMEE", "+CMGF", "+CNMI", "+CPMS", "+CSCA", "+CMGS", "+CMGR", "+CMGD", "+CMGL",
        "+CLAC")
SPEEDS = {getattr(termios, f"B{rate}"): rate for rate in (4800, 9600, 19200, 38400, 57600, 115200)}


@dataclass
class SentSms:
    recipient: str
    text: str
    reference: int
    concat: pdu.Concat | None
    status_report: bool


@dataclass
class _Fault:
    name: str | None = None
    code: int = 500
    times: int | None = None     # None: every time


@dataclass
class _ModemState:
    echo: bool = True
    cmee: int = 0
    pdu_mode: bool = False
    report_mode: int = 0          # the ds of AT+CNMI
    new_sms_indication: int = 0   # the mt of AT+CNMI
    sim: str = "READY"            # READY, SIM PIN, SIM PUK, NONE
    busy_left: int = 0            # commands still answered "busy" (the profile's busy_code)
    boot_urcs: list[str] = field(default_factory=list)   # still to be said
    pin_tries: int = 3
    next_reference: int = 0
    storage: dict[int, list] = field(default_factory=dict)   # index -> [status, pdu]


class ModemSimulator:
    def __init__(self, fault: str | None = None, pin: str = "1234", puk: str = "12345678",
                 operator: str = "IR-MCI", rssi: int = 21, now: Callable[[], datetime] | None = None,
                 seed: int = 0, profile: str = "standard", **fault_options):
        if profile not in PROFILES:
            raise ValueError(f"unknown modem profile {profile!r}; one of {', '.join(PROFILES)}")
        self.profile = PROFILES[profile]
        self._chatter = 0                # which chatter line comes next
        self.pin, self.puk, self.operator, self.rssi = pin, puk, operator, rssi
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.sent: list[SentSms] = []
        self.commands: list[str] = []
        self.received = bytearray()      # every byte the driver wrote, for exact-bytes tests
        self._random = random.Random(seed)
        self._fault = _Fault()
        self._lock = threading.RLock()
        self._pending_urcs: list[str] = []
        self._state = _ModemState()
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.port: str | None = None
        if fault:
            self.set_fault(fault, **fault_options)
        self._power_up()

    # --- control from tests and the demo --------------------------------------

    def start(self) -> "ModemSimulator":
        self._pty = PtyPair()
        self._master, self.port = self._pty.master, self._pty.port
        self._thread = threading.Thread(target=self._run, name="modem-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(timeout=2)
        if self._pty:
            self._pty.close()
        self._pty = None

    def __enter__(self) -> "ModemSimulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_fault(self, name: str | None, code: int = 500, times: int | None = None,
                  pin: str | None = None) -> None:
        if name is not None and name not in FAULTS:
            raise ValueError(f"unknown modem fault {name!r}; one of {', '.join(FAULTS)}")
        with self._lock:
            self._fault = _Fault(name, code, times)
            if pin:
                self.pin = pin
            self._apply_sim_fault()

    def clear_fault(self) -> None:
        self.set_fault(None)

    @property
    def fault(self) -> str | None:
        return self._fault.name

    def receive_sms(self, sender: str, text: str, reference: int = 0) -> list[int]:
        """A citizen's SMS arrives: stored in SIM memory, announced with +CMTI."""
        indexes = []
        with self._lock:
            for message in pdu.encode_deliver(sender, text, self.now().astimezone(TEHRAN), reference):
                index = next(i for i in range(1, 1000) if i not in self._state.storage)
                self._state.storage[index] = [0, message]
                indexes.append(index)
                if self._state.new_sms_indication:
                    self._pending_urcs.append(f'+CMTI: "SM",{index}')
        return indexes

    def stored_indexes(self) -> list[int]:
        with self._lock:
            return sorted(self._state.storage)

    # --- the wire -----------------------------------------------------------------

    def _run(self) -> None:
        buffer = bytearray()
        prompt_for: int | None = None
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.02)
            except (OSError, ValueError):
                return
            if not ready:
                self._flush_urcs()
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            with self._lock:
                fault = self._fault.name
            if fault == "silence":
                continue
            if fault == "garbage" or not self._speed_matches():
                self._write(bytes(self._random.randrange(256) for _ in range(12)) + b"\r\n")
                continue
            self.received += data
            buffer += data
            buffer, prompt_for = self._consume(buffer, prompt_for)

    def _speed_matches(self) -> bool:
        """A UART modem fixed at one speed hears bytes sent at another as noise."""
        if self.profile.baudrate is None:
            return True
        try:
            speed = termios.tcgetattr(self._master)[4]   # the pty shares the box's settings
        except termios.error:
            return True
        return SPEEDS.get(speed) == self.profile.baudrate

    def _consume(self, buffer: bytearray, prompt_for: int | None) -> tuple[bytearray, int | None]:
        while True:
            if prompt_for is not None:
                end = next((i for i, b in enumerate(buffer) if b in (0x1A, 0x1B)), None)
                if end is None:
                    return buffer, prompt_for
                body, terminator = bytes(buffer[:end]), buffer[end]
                del buffer[:end + 1]
                if self._state.echo:
                    self._write(body)
                if terminator == 0x1A:
                    with self._lock:
                        answer = self._submit(body.decode("ascii", "replace").strip(), prompt_for)
                    self._respond(answer)
                prompt_for = None
                continue
            end = buffer.find(b"\r")
            if end < 0:
                return buffer, prompt_for
            # ESC outside a prompt cancels nothing: modems ignore it
            line = bytes(buffer[:end]).decode("ascii", "replace").strip("\n \x1b")
            del buffer[:end + 1]
            if not line:
                continue
            if self._state.echo:
                self._write(line.encode() + b"\r")
            self.commands.append(line)
            with self._lock:
                answer = self._command(line)
            if isinstance(answer, int):
                self._write(b"\r\n> ")
                prompt_for = answer
            else:
                self._respond(answer)

    def _respond(self, lines: list[str]) -> None:
        *info, final = lines
        noisy = self._fault.name == "noisy"
        out = self._boot_line() + self._chatter_line()
        for line in info:
            out += b"\r\n" + line.encode() + b"\r\n"
            out += self._chatter_line()
            if noisy:
                out += b"\r\n^RSSI: 17\r\n" + bytes([0xFF, 0x00, 0x7E]) + b"\r\n"
        if noisy:
            out += b"\r\n+CIEV: 2,3\r\n"
        with self._lock:
            if noisy and self._pending_urcs:
                for urc in self._pending_urcs:
                    out += b"\r\n" + urc.encode() + b"\r\n"
                self._pending_urcs.clear()
        out += b"\r\n" + final.encode() + b"\r\n"
        self._write(out)

    def _boot_line(self) -> bytes:
        """A modem still booting prints its start-up lines between the answers."""
        with self._lock:
            if not self._state.boot_urcs:
                return b""
            return b"\r\n" + self._state.boot_urcs.pop(0).encode() + b"\r\n"

    def _chatter_line(self) -> bytes:
        chatter = self.profile.chatter
        if not chatter:
            return b""
        line = chatter[self._chatter % len(chatter)]
        self._chatter += 1
        return b"\r\n" + line.encode() + b"\r\n"

    def _flush_urcs(self) -> None:
        with self._lock:
            urcs, self._pending_urcs = self._pending_urcs, []
            silent = self._fault.name in ("silence", "garbage")
        if urcs and not silent:
            self._write(b"".join(b"\r\n" + urc.encode() + b"\r\n" for urc in urcs))

    def _write(self, data: bytes) -> None:
        try:
            os.write(self._master, data)
        except (OSError, TypeError):
            pass

    # --- the commands -------------------------------------------------------------

    def _power_up(self) -> None:
        storage = self._state.storage
        self._state = _ModemState(storage=storage, busy_left=self.profile.busy_commands,
                                  boot_urcs=list(self.profile.boot_urcs))
        self._apply_sim_fault()

    def _apply_sim_fault(self) -> None:
        name = self._fault.name
        if name == "no_sim":
            self._state.sim = "NONE"
        elif name == "pin" and self._state.sim == "READY":
            self._state.sim, self._state.pin_tries = "SIM PIN", 3
        elif name == "puk":
            self._state.sim = "SIM PUK"
        elif name is None:
            self._state.sim = "READY"

    def _error(self, kind: str, code: int) -> list[str]:
        if self._state.cmee == 0:
            return ["ERROR"]
        return [f"+{kind} ERROR: {code}"]

    def _sim_error(self, kind: str = "CME") -> list[str] | None:
        sim = self._state.sim
        codes = {"NONE": (10, 310), "SIM PIN": (11, 311), "SIM PUK": (12, 316)}
        if sim in codes:
            return self._error(kind, codes[sim][0 if kind == "CME" else 1])
        return None

    def _registered(self) -> bool:
        return self._state.sim == "READY" and self._fault.name != "no_signal"

    def _command(self, line: str) -> list[str] | int:
        command = line.upper()
        if not command.startswith("AT"):
            return ["ERROR"]
        body = line[2:]
        upper = body.upper()
        profile = self.profile
        if self._busy(upper):
            return [f"+CME ERROR: {profile.busy_code}"]
        if upper in profile.lacks:
            return [profile.refusal]
        simple = {"": ["OK"], "I": ["SIMULATED MODEM 1.0", "OK"],
                  "+CGMI": [profile.manufacturer, "OK"], "+CGMM": [profile.model, "OK"],
                  "+CGSN": ["356938035643809", "OK"], "+CFUN?": ["+CFUN: 1", "OK"],
                  "+CLAC": [name + profile.clac_line_end for name in CLAC] + ["OK"]}
        if upper in ("E0", "E1"):
            self._state.echo = upper == "E1"
            return ["OK"]
        if upper == "Z":
            self._state.echo = True
            return ["OK"]
        if upper in simple:
            return simple[upper]
        if self._fault.name == "wedged" and upper != "+CFUN=1,1":
            return ["ERROR"]
        match = re.fullmatch(r"\+CMEE=([012])", upper)
        if match:
            self._state.cmee = int(match.group(1))
            return ["OK"]
        if upper == "+CFUN=1,1":
            if self._fault.name == "wedged":
                self._fault = _Fault()
            self._power_up()
            self._pending_urcs.append("RDY")
            return ["OK"]
        if upper == "+CFUN=1":
            self._state.busy_left = profile.busy_commands   # Wavecom: 515 for a while after
            return ["OK"]
        if upper == "+CPIN?":
            error = self._state.sim == "NONE" and self._error("CME", 10)
            answer = [f"+CPIN: {self._state.sim}"] + (["OK"] if profile.cpin_ends_with_ok else [])
            return error or answer
        if upper.startswith("+CPIN="):
            return self._enter_pin(body[len("+CPIN="):])
        if upper == "+CIMI":
            return self._sim_error() or ["432111234567890", "OK"]
        if upper == "+CSQ":
            rssi = 99 if self._fault.name == "no_signal" or self._state.sim == "NONE" else self.rssi
            return [f"+CSQ: {rssi},99", "OK"]
        if re.fullmatch(r"\+CREG=[0-2]", upper) or re.fullmatch(r"\+COPS=3,[0-2]", upper):
            return ["OK"]
        if upper == "+CREG?":
            return [f"+CREG: 0,{1 if self._registered() else (2 if self._state.sim == 'READY' else 0)}", "OK"]
        if upper == "+COPS?":
            return [f'+COPS: 0,0,"{self.operator}",7' if self._registered() else "+COPS: 0", "OK"]
        if upper in ("+CTZU=1", "+CTZU=0", "+CLTS=1"):
            return ["OK"]
        if upper == "+CCLK?":
            local = self.now().astimezone(TEHRAN)
            return [local.strftime('+CCLK: "%y/%m/%d,%H:%M:%S+14"'), "OK"]
        if upper in ("+CMGF=0", "+CMGF=1"):
            self._state.pdu_mode = upper.endswith("0")
            return ["OK"]
        match = re.fullmatch(r"\+CNMI=(\d),(\d),(\d),(\d),(\d)", upper)
        if match:
            self._state.new_sms_indication = int(match.group(2))
            self._state.report_mode = int(match.group(4))
            if self._state.report_mode == 2:
                return self._error("CMS", 303)   # like many modems: reports only routed, not stored
            return ["OK"]
        if upper.startswith("+CPMS"):
            used = len(self._state.storage)
            return [f'+CPMS: "SM",{used},30,"SM",{used},30,"SM",{used},30', "OK"]
        if upper == "+CSCA?":
            return [f'+CSCA: "{pdu.SIM_SMSC}",145', "OK"]
        match = re.fullmatch(r"\+CMGS=(\d{1,3})", upper)
        if match:
            if not self._state.pdu_mode:
                return self._error("CMS", 305)
            return self._sim_error("CMS") or int(match.group(1))
        match = re.fullmatch(r"\+CMGR=(\d{1,3})", upper)
        if match:
            return self._sim_error("CMS") or self._read(int(match.group(1)))
        match = re.fullmatch(r"\+CMGD=(\d{1,3})(,\d)?", upper)
        if match:
            if self._sim_error("CMS"):
                return self._sim_error("CMS")
            self._state.storage.pop(int(match.group(1)), None)
            return ["OK"]
        if upper in ("+CMGL=4", "+CMGL=0", "+CMGL=1"):
            if self._sim_error("CMS"):
                return self._sim_error("CMS")
            lines = []
            for index, (status, message) in sorted(self._state.storage.items()):
                lines += [f"+CMGL: {index},{status},,{len(message) // 2 - 1 - int(message[:2], 16)}", message]
            return lines + ["OK"]
        return [profile.refusal]

    def _busy(self, upper: str) -> bool:
        state, only = self._state, self.profile.busy_only
        if state.busy_left <= 0 or (only and not upper.startswith(only)):
            return False
        state.busy_left -= 1
        return True

    def _enter_pin(self, argument: str) -> list[str]:
        values = [value.strip().strip('"') for value in argument.split(",")]
        state = self._state
        if state.sim == "SIM PIN" and len(values) == 1:
            if values[0] == self.pin:
                state.sim = "READY"
                return ["OK"]
            state.pin_tries -= 1
            if state.pin_tries <= 0:
                state.sim = "SIM PUK"
            return self._error("CME", 16)
        if state.sim == "SIM PUK" and len(values) == 2:
            if values[0] == self.puk:
                self.pin, state.sim = values[1], "READY"
                return ["OK"]
            return self._error("CME", 16)
        return self._sim_error() or self._error("CME", 3)

    def _read(self, index: int) -> list[str]:
        entry = self._state.storage.get(index)
        if entry is None:
            return self._error("CMS", 321)
        status, message = entry
        entry[0] = 1 if status == 0 else status
        length = len(message) // 2 - 1 - int(message[:2], 16)
        return [f"+CMGR: {status},,{length}", message, "OK"]

    def _submit(self, message: str, length: int) -> list[str]:
        fault = self._fault
        if fault.name == "no_signal":
            return self._error("CMS", 331)
        if fault.name == "cms" and fault.times != 0:
            if fault.times is not None:
                fault.times -= 1
            return self._error("CMS", fault.code)
        if len(message) // 2 - 1 != length:
            return self._error("CMS", 304)
        try:
            submit = pdu.decode_submit(message)
        except pdu.PduError:
            return self._error("CMS", 304)
        reference = self._state.next_reference
        self._state.next_reference = (reference + 1) % 256
        self.sent.append(SentSms(submit.recipient, submit.text, reference, submit.concat,
                                 submit.status_report))
        if submit.status_report and self._state.report_mode == 1:
            now = self.now().astimezone(TEHRAN)
            report = pdu.encode_status_report(reference, submit.recipient, now, now, 0)
            with self._lock:
                self._pending_urcs.append(f"+CDS: {len(report) // 2 - 1 - int(report[:2], 16)}\r\n{report}")
        return [f"+CMGS: {reference}", "OK"]


def from_url(url: str, now: Callable[[], datetime] | None = None) -> ModemSimulator:
    """`sim://`, `sim://?profile=wavecom` or `sim://?fault=pin&pin=1234&code=38&times=2`
    -> a simulator (not started)."""
    parts = urlsplit(url)
    if parts.scheme != "sim":
        raise ValueError(f"not a simulator URL: {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    fault_options = {"profile": query.get("profile", "standard")}
    if "code" in query:
        fault_options["code"] = int(query["code"])
    if "times" in query:
        fault_options["times"] = int(query["times"])
    return ModemSimulator(fault=query.get("fault"), pin=query.get("pin", "1234"), now=now,
                          **fault_options)
