"""AT command responses, parsed without I/O.

A modem answers a command with zero or more information lines and one final
result code (`OK`, `ERROR`, `+CME ERROR: n`, `+CMS ERROR: n`). Real modems
add noise: the command echoed back (echo is on at power-up), empty lines,
and unsolicited result codes (URCs such as `+CMTI: "SM",3` for a new SMS)
that can arrive at any moment, also between the lines of a response. The
`LineSplitter` turns bytes into lines and the `ResponseCollector` sorts the
lines of one command into its response and the URCs that came meanwhile.

Error codes become a `ModemError` whose messages a person understands, in
Persian and English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from edge.digits import is_ascii_number
from hardware.errors import DeviceError

PROMPT = "> "          # the modem waits for a PDU after AT+CMGS=n
CTRL_Z = b"\x1a"       # ends the PDU
ESC = b"\x1b"          # cancels a pending prompt

FINAL_OK = ("OK",)
FINAL_ERRORS = ("ERROR", "NO CARRIER", "NO DIALTONE", "BUSY", "NO ANSWER", "COMMAND NOT SUPPORT")

# URCs whose next line is a PDU belonging to them (not to the response).
URC_WITH_PDU = ("+CMT:", "+CDS:", "+CBM:")
URC_PREFIXES = ("+CMTI:", "+CDSI:", "+CBMI:", "RING", "+CLIP:", "+CRING:", "+CREG:", "+CGREG:",
                "+CEREG:", "+CUSD:", "+CTZV:", "+CTZE:", "*PSUTTZ:", "+CIEV:", "^RSSI:",
                "^BOOT:", "^MODE:", "^SYSSTART", "+PBREADY", "Call Ready", "SMS Ready",
                "+CPIN:", "RDY", "+CFUN:", "+QIND:", "+QUSIM:", "+NITZ:", "^SRVST:", "^SIMST:",
                "^DSFLOWRPT:") + URC_WITH_PDU
# Answers some modems give without a final result code: Wavecom answers
# AT+CPIN? with `+CPIN: READY` and no `OK` (recorded in python-gsmmodem's tests).
ANSWERS_WITHOUT_FINAL = ("+CPIN:",)
# Errors that mean "not yet": Wavecom's 515 (still starting after AT+CFUN=1),
# the SIM busy (14, and 314 from the SMS layer) right after power-up.
BUSY_ERRORS = ("cme_515", "cme_14", "cms_314")
# `+CPIN:` is both a response (to AT+CPIN?) and a URC (after a SIM swap); the
# expected prefix of the running command decides which it is.


class ModemError(DeviceError):
    """A failure the modem reported or that happened talking to it.

    `message` is English, `message_fa` Persian; `permanent` is true when
    trying again cannot help (an unassigned number, a malformed message).
    """

    def __init__(self, message: str, message_fa: str, code: str = "modem_error",
                 permanent: bool = False):
        super().__init__(message, message_fa, code)
        self.permanent = permanent


class ModemTimeout(ModemError, TimeoutError):
    def __init__(self, command: str, seconds: float):
        super().__init__(f"the modem did not answer {command} within {seconds:g} s",
                         f"مودم در {seconds:g} ثانیه به فرمان {command} پاسخ نداد",
                         code="timeout")


# (English, Persian, permanent) for +CME ERROR codes (3GPP TS 27.007 9.2).
CME_ERRORS: dict[int, tuple[str, str, bool]] = {
    0: ("phone failure", "خرابی در مودم", False),
    1: ("no connection to phone", "ارتباط با مودم برقرار نیست", False),
    3: ("operation not allowed", "این کار مجاز نیست", False),
    4: ("operation not supported", "مودم این کار را پشتیبانی نمی‌کند", True),
    5: ("PH-SIM PIN required", "رمز PH-SIM لازم است", False),
    10: ("no SIM card inserted", "سیم‌کارت در مودم نیست", False),
    11: ("SIM PIN required", "رمز PIN سیم‌کارت لازم است", False),
    12: ("SIM PUK required: the SIM is locked, unlock it with its PUK in a phone",
         "سیم‌کارت قفل شده است؛ با کد PUK در یک گوشی بازش کنید", False),
    13: ("SIM card failure", "سیم‌کارت خراب است", False),
    14: ("SIM card busy, try again", "سیم‌کارت مشغول است؛ دوباره امتحان کنید", False),
    15: ("wrong SIM card", "سیم‌کارت نادرست است", False),
    16: ("incorrect PIN", "رمز PIN نادرست است", True),
    17: ("SIM PIN2 required", "رمز PIN2 لازم است", False),
    18: ("SIM PUK2 required", "کد PUK2 لازم است", False),
    20: ("modem memory full", "حافظهٔ مودم پر است", False),
    21: ("invalid memory index", "شمارهٔ خانهٔ حافظه نامعتبر است", True),
    22: ("not found", "پیدا نشد", True),
    23: ("memory failure", "خرابی حافظه", False),
    30: ("no network service", "شبکهٔ تلفن همراه در دسترس نیست", False),
    31: ("network timeout", "شبکه پاسخ نداد", False),
    32: ("network not allowed, emergency calls only", "شبکه اجازه نمی‌دهد؛ فقط تماس اضطراری", False),
    100: ("unknown modem error", "خطای ناشناختهٔ مودم", False),
    515: ("the modem is still starting, try again", "مودم هنوز در حال راه‌اندازی است؛ دوباره امتحان کنید", False),
}

# (English, Persian, permanent) for +CMS ERROR codes (3GPP TS 27.005 3.2.5, TS 24.011).
CMS_ERRORS: dict[int, tuple[str, str, bool]] = {
    1: ("the number is not in use", "این شماره واگذار نشده است", True),
    8: ("the operator barred this SIM from sending", "اپراتور ارسال پیامک را برای این سیم‌کارت بسته است", False),
    10: ("sending to this number is barred", "ارسال به این شماره مسدود است", True),
    21: ("the network rejected the message", "شبکه پیامک را نپذیرفت", False),
    27: ("the recipient's phone is out of service", "گوشی گیرنده خارج از سرویس است", False),
    28: ("unknown recipient", "گیرنده ناشناخته است", True),
    29: ("the network refused the request", "شبکه درخواست را رد کرد", False),
    30: ("unknown subscriber", "مشترک ناشناخته است", True),
    38: ("the network is out of order", "شبکه از کار افتاده است", False),
    41: ("temporary network failure", "خرابی موقت شبکه", False),
    42: ("the network is congested", "شبکه شلوغ است", False),
    47: ("network resources unavailable", "منابع شبکه در دسترس نیست", False),
    50: ("SMS not included in this SIM's plan", "پیامک در طرح این سیم‌کارت نیست", False),
    69: ("the network does not support this", "شبکه این کار را پشتیبانی نمی‌کند", True),
    81: ("invalid message reference", "شمارهٔ مرجع پیامک نامعتبر است", False),
    95: ("invalid message", "پیامک نامعتبر است", True),
    96: ("invalid mandatory information in the message", "اطلاعات لازم پیامک نامعتبر است", True),
    111: ("SMS protocol error", "خطای پروتکل پیامک", False),
    127: ("network error", "خطای شبکه", False),
    300: ("modem failure", "خرابی مودم", False),
    301: ("the modem's SMS service is reserved", "سرویس پیامک مودم در دسترس نیست", False),
    302: ("operation not allowed", "این کار مجاز نیست", False),
    303: ("operation not supported", "مودم این کار را پشتیبانی نمی‌کند", True),
    304: ("invalid PDU parameter", "پارامتر PDU نامعتبر است", True),
    305: ("invalid text mode parameter", "پارامتر حالت متنی نامعتبر است", True),
    310: ("no SIM card inserted", "سیم‌کارت در مودم نیست", False),
    311: ("SIM PIN required", "رمز PIN سیم‌کارت لازم است", False),
    312: ("PH-SIM PIN required", "رمز PH-SIM لازم است", False),
    313: ("SIM card failure", "سیم‌کارت خراب است", False),
    314: ("SIM card busy, try again", "سیم‌کارت مشغول است؛ دوباره امتحان کنید", False),
    315: ("wrong SIM card", "سیم‌کارت نادرست است", False),
    316: ("SIM PUK required: the SIM is locked, unlock it with its PUK in a phone",
          "سیم‌کارت قفل شده است؛ با کد PUK در یک گوشی بازش کنید", False),
    320: ("modem memory failure", "خرابی حافظهٔ مودم", False),
    321: ("invalid memory index", "شمارهٔ خانهٔ حافظه نامعتبر است", True),
    322: ("SIM message memory full", "حافظهٔ پیامک سیم‌کارت پر است", False),
    330: ("SMS centre number unknown: set it with AT+CSCA", "شمارهٔ مرکز پیامک تنظیم نشده است", False),
    331: ("no network service", "شبکهٔ تلفن همراه در دسترس نیست", False),
    332: ("network timeout", "شبکه پاسخ نداد", False),
    340: ("no acknowledgement expected", "تأییدی انتظار نمی‌رفت", False),
    500: ("unknown SMS error", "خطای ناشناختهٔ پیامک", False),
}

# Modems set to AT+CMEE=2 send words instead of numbers; map the usual ones back.
_VERBOSE = {
    "SIM NOT INSERTED": 10, "SIM PIN REQUIRED": 11, "SIM PUK REQUIRED": 12,
    "SIM FAILURE": 13, "SIM BUSY": 14, "SIM WRONG": 15, "INCORRECT PASSWORD": 16,
    "MEMORY FULL": 20, "INVALID INDEX": 21, "NOT FOUND": 22, "NO NETWORK SERVICE": 30,
    "NETWORK TIMEOUT": 31, "OPERATION NOT ALLOWED": 3, "OPERATION NOT SUPPORTED": 4,
    "PHONE FAILURE": 0, "UNKNOWN": 100, "UNKNOWN ERROR": 100,
}


def error_from_final(final: str) -> ModemError | None:
    """The ModemError a final result code stands for; None for OK."""
    if final in FINAL_OK:
        return None
    for kind, table in (("CME", CME_ERRORS), ("CMS", CMS_ERRORS)):
        prefix = f"+{kind} ERROR:"
        if final.startswith(prefix):
            detail = final[len(prefix):].strip()
            number = int(detail) if is_ascii_number(detail) else None
            if number is None and kind == "CME":
                number = _VERBOSE.get(detail.upper())
            known = table.get(number) if number is not None else None
            code = f"{kind.lower()}_{number if number is not None else 'text'}"
            if known:
                english, persian, permanent = known
                return ModemError(english, persian, code=code, permanent=permanent)
            shown = detail[:60] or "?"
            return ModemError(f"modem error {kind} {shown}", f"خطای مودم {kind} {shown}", code=code)
    if final == "ERROR":
        return ModemError("the modem refused the command", "مودم فرمان را نپذیرفت", code="error")
    if final == "COMMAND NOT SUPPORT":   # Huawei's word for ERROR on a command it lacks
        return ModemError("the modem does not have this command", "مودم این فرمان را ندارد",
                          code="not_supported", permanent=True)
    return ModemError(f"the modem answered {final[:40]}", f"پاسخ مودم: {final[:40]}", code="error")


def is_final(line: str) -> bool:
    return (line in FINAL_OK or line in FINAL_ERRORS
            or line.startswith("+CME ERROR:") or line.startswith("+CMS ERROR:"))


def expected_prefix(command: str) -> str | None:
    """`AT+CSQ` -> `+CSQ:`, `AT+CMGR=3` -> `+CMGR:`; None for basic commands."""
    match = re.match(r"AT([+^*$%][A-Z0-9]+)", command.strip().upper())
    return f"{match.group(1)}:" if match else None


class LineSplitter:
    """Bytes in, lines out. Lines end with CR, LF or both; the `> ` prompt of
    AT+CMGS has no line end and is given as its own line."""

    MAX_LINE = 4096  # a PDU line is at most ~350 characters; longer is garbage

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[str]:
        self._buffer += data
        lines = []
        while True:
            cut = _first_line_end(self._buffer)
            if cut is None:
                break
            end, skip = cut
            raw = bytes(self._buffer[:end])
            del self._buffer[:end + skip]
            lines.append(_text(raw))
        if self._buffer.lstrip(b"\r\n") == b"> " or self._buffer == b">":
            self._buffer.clear()
            lines.append(PROMPT)
        if len(self._buffer) > self.MAX_LINE:
            self._buffer.clear()   # noise with no line end: drop it, keep listening
        return [line for line in lines if line]

    def clear(self) -> None:
        self._buffer.clear()


def _first_line_end(buffer: bytearray) -> tuple[int, int] | None:
    for index, byte in enumerate(buffer):
        if byte in (0x0D, 0x0A):
            skip = 2 if buffer[index:index + 2] in (b"\r\n", b"\n\r") else 1
            return index, skip
    return None


def _text(raw: bytes) -> str:
    # Real modems are ASCII; anything else is line noise and kept visible.
    return raw.decode("ascii", errors="replace").strip(" \t\x00\x1a")


@dataclass
class Urc:
    """An unsolicited result code, with the PDU line that follows some."""
    line: str
    pdu: str | None = None

    @property
    def name(self) -> str:
        return self.line.split(":", 1)[0].strip() if ":" in self.line else self.line.strip()


@dataclass
class Response:
    command: str
    lines: list[str] = field(default_factory=list)
    final: str = ""
    final_implied: bool = False   # no final code came; the answer alone was taken

    @property
    def ok(self) -> bool:
        return self.final in FINAL_OK

    @property
    def error(self) -> ModemError | None:
        return error_from_final(self.final)

    @property
    def busy(self) -> bool:
        """The modem or its SIM is busy starting: the same command works a moment later."""
        error = self.error
        return error is not None and error.code in BUSY_ERRORS

    def raise_for_error(self) -> "Response":
        error = self.error
        if error is not None:
            raise error
        return self

    def values(self, prefix: str | None = None) -> list[str]:
        """The text after `+XXX:` of every information line with that prefix."""
        prefix = prefix or expected_prefix(self.command)
        if prefix is None:
            return list(self.lines)
        return [line[len(prefix):].strip() for line in self.lines if line.startswith(prefix)]


class ResponseCollector:
    """Sorts the lines that follow one command: its echo, its information
    lines, its final code, and the URCs that arrived in between."""

    def __init__(self, command: str, wants_prompt: bool = False, prefix: str | None = None):
        self.response = Response(command)
        self.urcs: list[Urc] = []
        self.prompted = False
        self._command = command.strip()
        self._prefix = prefix or expected_prefix(command)
        self._wants_prompt = wants_prompt
        self._urc_waiting_for_pdu: Urc | None = None
        self._expect_pdu_line = False
        self.done = False

    def add(self, line: str) -> None:
        if self._urc_waiting_for_pdu is not None:
            self._urc_waiting_for_pdu.pdu = line
            self._urc_waiting_for_pdu = None
            return
        if self.done:
            self._add_urc(line)
            return
        if line == self._command or (line.upper().startswith("AT") and line.upper() == self._command.upper()):
            return  # the echo of our own command
        if line == PROMPT:
            self.prompted = True
            if self._wants_prompt:
                self.done = True
            return
        if is_final(line):
            self.response.final = line
            self.done = True
            return
        if self._prefix and line.startswith(self._prefix):
            self.response.lines.append(line)
            # +CMGR:/+CMGL: are followed by their PDU on the next line.
            self._expect_pdu_line = self._prefix in ("+CMGR:", "+CMGL:")
            return
        if self._expect_pdu_line and is_hex(line):
            self.response.lines.append(line)
            self._expect_pdu_line = False
            return
        if is_urc(line):
            self._add_urc(line)
            return
        self.response.lines.append(line)

    def _add_urc(self, line: str) -> None:
        urc = Urc(line)
        self.urcs.append(urc)
        if line.startswith(URC_WITH_PDU):
            self._urc_waiting_for_pdu = urc

    def answered_without_final(self) -> bool:
        """The answer came, and for this command it may be all that comes."""
        return (not self.done and self._prefix in ANSWERS_WITHOUT_FINAL
                and any(line.startswith(self._prefix) for line in self.response.lines))

    def end_without_final(self) -> None:
        """Accept the answer as complete; `final_implied` records that no OK came."""
        self.response.final = FINAL_OK[0]
        self.response.final_implied = True
        self.done = True

    def take_urcs(self) -> list[Urc]:
        """The URCs so far, except one still waiting for its PDU line."""
        waiting = self._urc_waiting_for_pdu
        taken = [urc for urc in self.urcs if urc is not waiting]
        self.urcs = [waiting] if waiting is not None else []
        return taken

    def carry_over(self, other: "ResponseCollector") -> None:
        """Take over a URC of `other` that still waits for its PDU line."""
        if other._urc_waiting_for_pdu is not None:
            self._urc_waiting_for_pdu = other._urc_waiting_for_pdu
            self.urcs.append(other._urc_waiting_for_pdu)
            other.urcs.remove(other._urc_waiting_for_pdu)
            other._urc_waiting_for_pdu = None


def idle_collector() -> "ResponseCollector":
    """A collector for the time between commands: every line is unsolicited."""
    collector = ResponseCollector("")
    collector.done = True
    return collector


def is_urc(line: str) -> bool:
    return line.startswith(URC_PREFIXES)


def is_hex(text: str) -> bool:
    return bool(text) and len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text)


def split_fields(text: str) -> list[str]:
    """`0,"MCI",7` -> ['0', 'MCI', '7']: commas outside quotes split, quotes go."""
    fields, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    return fields


# --- parsers of particular answers -------------------------------------------------

class ParseError(ValueError):
    """An answer that does not have the expected shape."""


def parse_int_field(text: str) -> int:
    text = text.strip()
    if not is_ascii_number(text) or len(text) > 6:
        raise ParseError(f"not a number: {text[:20]!r}")
    return int(text)


def parse_csq(value: str) -> tuple[int, int]:
    """`+CSQ: 17,99` value -> (rssi, ber)."""
    fields = split_fields(value)
    if len(fields) != 2:
        raise ParseError(f"unexpected +CSQ answer {value[:40]!r}")
    return parse_int_field(fields[0]), parse_int_field(fields[1])


REGISTRATION = {
    0: ("not_registered", "not registered and not searching", "ثبت در شبکه نشده و جستجو نمی‌کند"),
    1: ("home", "registered on the home network", "در شبکهٔ خانگی ثبت شده"),
    2: ("searching", "searching for a network", "در حال جستجوی شبکه"),
    3: ("denied", "the network denied registration", "شبکه ثبت را رد کرد"),
    4: ("unknown", "registration state unknown", "وضعیت ثبت نامعلوم"),
    5: ("roaming", "registered, roaming", "ثبت شده (رومینگ)"),
}


def parse_creg(value: str) -> int:
    """`+CREG: n,stat[,lac,ci]` (or the URC form `stat[,...]`) -> stat."""
    fields = split_fields(value)
    if not fields or not fields[0]:
        raise ParseError(f"unexpected +CREG answer {value[:40]!r}")
    # The answer to AT+CREG? has n first; with n=0/1 and two fields, stat is second.
    stat_text = fields[1] if len(fields) >= 2 and is_ascii_number(fields[1]) else fields[0]
    stat = parse_int_field(stat_text)
    if stat not in REGISTRATION:
        raise ParseError(f"unknown registration state {stat}")
    return stat


def parse_cops(value: str) -> str | None:
    """`+COPS: 0,0,"IR-MCI",7` -> 'IR-MCI'; `+COPS: 0` (no operator) -> None."""
    fields = split_fields(value)
    if len(fields) >= 3 and fields[2]:
        return fields[2][:40]
    return None


def parse_cpin(value: str) -> str:
    """`+CPIN: READY` / `SIM PIN` / `SIM PUK` -> that word."""
    state = value.strip().strip('"').upper()
    if not state:
        raise ParseError("empty +CPIN answer")
    return state


def parse_cclk(value: str) -> datetime | None:
    """`+CCLK: "24/03/15,10:20:30+14"` -> aware datetime (UTC offset in
    quarter hours). None when the modem never got the network's time (it then
    reports its power-up default, a year far in the past)."""
    match = re.fullmatch(r'"?(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d{1,2})?"?', value.strip())
    if not match:
        raise ParseError(f"unexpected +CCLK answer {value[:40]!r}")
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    quarters = int(match.group(7) or 0)
    if abs(quarters) > 56:
        raise ParseError(f"time zone out of range in {value[:40]!r}")
    try:
        local = datetime(2000 + year, month, day, hour, minute, second,
                         tzinfo=timezone(timedelta(minutes=15 * quarters)))
    except ValueError:
        raise ParseError(f"impossible date in {value[:40]!r}") from None
    if local.year < 2020:
        return None
    return local.astimezone(timezone.utc)


def parse_cmti(line: str) -> tuple[str, int]:
    """`+CMTI: "SM",3` -> ('SM', 3). Also `+CDSI:`."""
    _, _, value = line.partition(":")
    fields = split_fields(value)
    if len(fields) != 2:
        raise ParseError(f"unexpected {line[:40]!r}")
    return fields[0], parse_int_field(fields[1])


def parse_cmgs(value: str) -> int:
    """`+CMGS: 42` -> the message reference (0-255)."""
    reference = parse_int_field(split_fields(value)[0])
    if reference > 255:
        raise ParseError(f"message reference {reference} out of range")
    return reference


def parse_cmgr(response: Response) -> tuple[int, str]:
    """+CMGR answer in PDU mode -> (status, pdu hex)."""
    headers = response.values("+CMGR:")
    pdus = [line for line in response.lines if is_hex(line)]
    if not headers or not pdus:
        raise ParseError("no message at that index")
    status = parse_int_field(split_fields(headers[0])[0])
    return status, pdus[0]


def parse_cmgl(response: Response) -> list[tuple[int, str]]:
    """+CMGL answer in PDU mode -> [(index, pdu hex)]."""
    messages, index = [], None
    for line in response.lines:
        if line.startswith("+CMGL:"):
            try:
                index = parse_int_field(split_fields(line[len("+CMGL:"):])[0])
            except ParseError:
                index = None
        elif index is not None and is_hex(line):
            messages.append((index, line))
            index = None
    return messages
