"""SMS in PDU mode (3GPP TS 23.040 and 23.038), without I/O.

- `encode_submit(number, text)`: the SMS-SUBMIT PDUs for a text, GSM 7-bit
  when every character is in the GSM alphabet, UCS2 otherwise (Persian).
  A text longer than one SMS (160 septets / 70 UCS2 units) is split into
  parts of 153 / 67 with a concatenation user-data header, so the phone
  shows one message.
- `decode(pdu_hex)`: an SMS-DELIVER (a received SMS, possibly one part of
  several) or an SMS-STATUS-REPORT (a delivery report).
- `decode_submit`, `encode_deliver`, `encode_status_report`: the other
  direction, used by the modem simulator (and to check round trips).

Every decoder raises only `PduError` on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C,
                  "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65}
ESCAPE = 0x1B
_BASIC_INDEX = {char: index for index, char in enumerate(GSM7_BASIC) if index != ESCAPE}
_EXTENSION_CHAR = {code: char for char, code in GSM7_EXTENSION.items()}

GSM7_SINGLE, GSM7_PART = 160, 153    # septets
UCS2_SINGLE, UCS2_PART = 70, 67      # UTF-16 code units
MAX_PARTS = 255

VALIDITY_4_DAYS = 0xAA                # relative validity period (TS 23.040 9.2.3.12.1)


class PduError(ValueError):
    """A PDU that cannot be decoded, or a text that cannot be encoded."""


# --- GSM 7-bit -------------------------------------------------------------------

def is_gsm7(text: str) -> bool:
    return all(char in _BASIC_INDEX or char in GSM7_EXTENSION for char in text)


def gsm7_septets(text: str) -> list[int]:
    septets = []
    for char in text:
        if char in _BASIC_INDEX:
            septets.append(_BASIC_INDEX[char])
        elif char in GSM7_EXTENSION:
            septets += [ESCAPE, GSM7_EXTENSION[char]]
        else:
            raise PduError(f"character {char!r} is not in the GSM 7-bit alphabet")
    return septets


def gsm7_text(septets: list[int]) -> str:
    chars, escaped = [], False
    for septet in septets:
        if escaped:
            # An unknown extension code shows as its basic character (TS 23.038 6.2.1.1).
            chars.append(_EXTENSION_CHAR.get(septet, GSM7_BASIC[septet] if septet != ESCAPE else " "))
            escaped = False
        elif septet == ESCAPE:
            escaped = True
        else:
            chars.append(GSM7_BASIC[septet])
    return "".join(chars)


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    out, accumulator, bits = bytearray(), 0, fill_bits
    for septet in septets:
        accumulator |= (septet & 0x7F) << bits
        bits += 7
        while bits >= 8:
            out.append(accumulator & 0xFF)
            accumulator >>= 8
            bits -= 8
    if bits > 0:
        out.append(accumulator & 0xFF)
    return bytes(out)


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    septets, accumulator, bits, skipped = [], 0, 0, False
    for octet in data:
        accumulator |= octet << bits
        bits += 8
        if not skipped:
            accumulator >>= fill_bits
            bits -= fill_bits
            skipped = True
        while bits >= 7 and len(septets) < count:
            septets.append(accumulator & 0x7F)
            accumulator >>= 7
            bits -= 7
    if len(septets) < count:
        raise PduError(f"user data holds {len(septets)} characters, header says {count}")
    return septets


# --- splitting into parts -----------------------------------------------------------

def split_text(text: str) -> tuple[str, list[str]]:
    """(alphabet, parts): the text cut where the phone will join it again."""
    if is_gsm7(text):
        if len(gsm7_septets(text)) <= GSM7_SINGLE:
            return "gsm7", [text]
        parts = _cut(text, GSM7_PART, lambda char: 2 if char in GSM7_EXTENSION else 1)
        return "gsm7", parts
    if _utf16_units(text) <= UCS2_SINGLE:
        return "ucs2", [text]
    return "ucs2", _cut(text, UCS2_PART, lambda char: 2 if ord(char) > 0xFFFF else 1)


def _cut(text: str, limit: int, size) -> list[str]:
    # Cutting per character never splits an escape pair or a surrogate pair.
    parts, current, used = [], [], 0
    for char in text:
        width = size(char)
        if used + width > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += width
    parts.append("".join(current))
    if len(parts) > MAX_PARTS:
        raise PduError(f"text too long for one SMS ({len(parts)} parts, at most {MAX_PARTS})")
    return parts


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


def count_parts(text: str) -> int:
    return len(split_text(text)[1])


# --- addresses, time stamps ---------------------------------------------------------

_SEMI_OCTET_DIGITS = "0123456789*#abc"


def encode_address(number: str) -> bytes:
    """`+989121234567` -> length, type 0x91 (international), swapped digits."""
    international = number.startswith("+")
    digits = number[1:] if international else number
    if not digits or not all(char in "0123456789*#" for char in digits) or len(digits) > 20:
        raise PduError(f"not a phone number: {number!r}")
    return bytes([len(digits), 0x91 if international else 0x81]) + _semi_octets(digits)


def _semi_octets(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    codes = [_SEMI_OCTET_DIGITS.index(c) if c != "F" else 0xF for c in digits]
    return bytes(codes[i] | (codes[i + 1] << 4) for i in range(0, len(codes), 2))


def _read_semi_octets(data: bytes, count: int) -> str:
    digits = []
    for octet in data:
        for nibble in (octet & 0x0F, octet >> 4):
            if len(digits) < count and nibble != 0xF:
                digits.append(_SEMI_OCTET_DIGITS[nibble])
    return "".join(digits)


def encode_timestamp(when: datetime) -> bytes:
    """TS 23.040 9.2.3.11: local time with the offset in quarter hours."""
    if when.tzinfo is None:
        raise PduError("time stamp needs a time zone")
    offset = when.utcoffset() or timedelta(0)
    quarters = int(offset.total_seconds() // 900)
    fields = [when.year % 100, when.month, when.day, when.hour, when.minute, when.second]
    out = bytes(((value % 10) << 4) | (value // 10) for value in fields)
    magnitude = abs(quarters)
    zone = ((magnitude % 10) << 4) | (magnitude // 10) | (0x08 if quarters < 0 else 0)
    return out + bytes([zone])


def decode_timestamp(data: bytes) -> datetime | None:
    """Aware UTC datetime, or None when the network sent an impossible one."""
    values = [(octet & 0x0F) * 10 + (octet >> 4) for octet in data[:6]]
    zone = data[6]
    quarters = (zone & 0x07) * 10 + (zone >> 4)
    if zone & 0x08:
        quarters = -quarters
    try:
        local = datetime(2000 + values[0], values[1], values[2], values[3], values[4], values[5],
                         tzinfo=timezone(timedelta(minutes=15 * quarters)))
    except (ValueError, OverflowError):
        return None
    return local.astimezone(timezone.utc)


# --- SMS-SUBMIT ---------------------------------------------------------------------

@dataclass(frozen=True)
class SubmitPdu:
    hex: str        # with a leading 00: "use the SMS centre stored on the SIM"
    length: int     # octets after the SMS centre part: the n of AT+CMGS=n
    part: int
    parts: int


def concat_header(reference: int, total: int, sequence: int) -> bytes:
    """User-data header, IE 00: 8-bit reference concatenated SMS."""
    return bytes([5, 0x00, 3, reference & 0xFF, total, sequence])


def encode_submit(number: str, text: str, reference: int = 0, status_report: bool = False,
                  validity: int = VALIDITY_4_DAYS) -> list[SubmitPdu]:
    alphabet, parts = split_text(text)
    address = encode_address(number)
    pdus = []
    for sequence, part in enumerate(parts, start=1):
        header = concat_header(reference, len(parts), sequence) if len(parts) > 1 else b""
        udl, user_data = _user_data(alphabet, part, header)
        first = 0x01 | 0x10 | (0x20 if status_report else 0) | (0x40 if header else 0)
        tpdu = (bytes([first, 0x00]) + address
                + bytes([0x00, 0x08 if alphabet == "ucs2" else 0x00, validity, udl]) + user_data)
        pdus.append(SubmitPdu(("00" + tpdu.hex()).upper(), len(tpdu), sequence, len(parts)))
    return pdus


def _user_data(alphabet: str, text: str, header: bytes) -> tuple[int, bytes]:
    if alphabet == "ucs2":
        body = text.encode("utf-16-be")
        return len(header) + len(body), header + body
    septets = gsm7_septets(text)
    header_septets = (len(header) * 8 + 6) // 7
    fill = header_septets * 7 - len(header) * 8
    return header_septets + len(septets), header + pack_septets(septets, fill)


# --- decoding -----------------------------------------------------------------------

@dataclass(frozen=True)
class Concat:
    reference: int
    total: int
    sequence: int


@dataclass(frozen=True)
class Deliver:
    """A received SMS (or one part of one)."""
    sender: str
    text: str
    sent_at: datetime | None    # the SMS centre's time stamp, UTC
    concat: Concat | None
    smsc: str


@dataclass(frozen=True)
class StatusReport:
    """The network's word on a sent SMS, matched by its message reference."""
    reference: int
    recipient: str
    status: int
    completed_at: datetime | None

    @property
    def delivered(self) -> bool:
        return self.status == 0x00

    @property
    def final(self) -> bool:
        """False while the network is still trying (status 0x20-0x3F)."""
        return not 0x20 <= self.status <= 0x3F

    def words(self) -> dict[str, str]:
        if self.delivered:
            return {"en": "delivered", "fa": "تحویل شد"}
        if not self.final:
            return {"en": "the network is still trying to deliver",
                    "fa": "شبکه هنوز در حال تحویل است"}
        return {"en": f"not delivered (network status {self.status:#04x})",
                "fa": f"تحویل نشد (وضعیت شبکه {self.status:#04x})"}


@dataclass(frozen=True)
class Submit:
    recipient: str
    text: str
    reference: int
    status_report: bool
    concat: Concat | None


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, count: int) -> bytes:
        if count < 0 or self.at + count > len(self.data):
            raise PduError("PDU ends too early")
        chunk = self.data[self.at:self.at + count]
        self.at += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def rest(self) -> bytes:
        chunk = self.data[self.at:]
        self.at = len(self.data)
        return chunk


def _bytes_of(pdu_hex: str) -> bytes:
    try:
        return bytes.fromhex(pdu_hex.strip())
    except (ValueError, AttributeError):
        raise PduError("PDU is not hexadecimal") from None


def decode(pdu_hex: str, with_smsc: bool = True) -> Deliver | StatusReport:
    """A PDU as a modem gives it after +CMGR, +CMGL, +CMT or +CDS."""
    reader = _Reader(_bytes_of(pdu_hex))
    smsc = _read_smsc(reader) if with_smsc else ""
    first = reader.byte()
    kind = first & 0x03
    if kind == 0x00:
        return _decode_deliver(reader, first, smsc)
    if kind == 0x02:
        return _decode_status_report(reader)
    raise PduError(f"not a received SMS or a delivery report (message type {kind})")


def _read_smsc(reader: _Reader) -> str:
    length = reader.byte()
    if length == 0:
        return ""
    raw = reader.take(length)
    digits = _read_semi_octets(raw[1:], 2 * (length - 1))
    return ("+" if raw[0] & 0x70 == 0x10 else "") + digits


def _read_address(reader: _Reader) -> str:
    digit_count = reader.byte()
    kind = reader.byte()
    raw = reader.take((digit_count + 1) // 2)
    if kind & 0x70 == 0x50:   # alphanumeric sender, e.g. an operator's name
        septets = (digit_count * 4) // 7
        return gsm7_text(unpack_septets(raw, septets)).strip()
    digits = _read_semi_octets(raw, digit_count)
    return ("+" if kind & 0x70 == 0x10 else "") + digits


def _alphabet(dcs: int) -> str:
    group = dcs >> 4
    if group & 0b1100 in (0b0000, 0b0100):   # general data coding (0x) / auto-delete (4x)
        if dcs & 0x20:
            raise PduError("compressed SMS text is not supported")
        return ("gsm7", "8bit", "ucs2", "gsm7")[(dcs >> 2) & 0x03]
    if group in (0xC, 0xD):
        return "gsm7"
    if group == 0xE:
        return "ucs2"
    if group == 0xF:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "gsm7"   # reserved groups: the spec says to assume the default alphabet


def _read_user_data(reader: _Reader, alphabet: str, has_header: bool) -> tuple[str, Concat | None]:
    length = reader.byte()
    data = reader.rest()
    header, concat = b"", None
    if has_header:
        if not data:
            raise PduError("user data header announced but missing")
        header_length = data[0]
        if header_length + 1 > len(data):
            raise PduError("user data header longer than the user data")
        header = data[:header_length + 1]
        concat = _concat_from_header(header[1:])
    if alphabet == "gsm7":
        header_septets = (len(header) * 8 + 6) // 7
        count = length - header_septets
        if count < 0 or count > 160:
            raise PduError("user data length does not fit the header")
        fill = header_septets * 7 - len(header) * 8
        body = data[len(header):]
        if count == 0:
            return "", concat
        return gsm7_text(unpack_septets(body, count, fill)), concat
    if length > 140 or length < len(header):
        raise PduError("user data length out of range")
    body = data[len(header):length]
    if len(body) < length - len(header):
        raise PduError("user data shorter than its length")
    if alphabet == "ucs2":
        return body.decode("utf-16-be", errors="replace"), concat
    return body.decode("latin-1"), concat


def _concat_from_header(elements: bytes) -> Concat | None:
    at = 0
    while at + 2 <= len(elements):
        kind, length = elements[at], elements[at + 1]
        value = elements[at + 2:at + 2 + length]
        at += 2 + length
        if len(value) != length:
            raise PduError("truncated user data header")
        if kind == 0x00 and length == 3:
            reference, total, sequence = value
        elif kind == 0x08 and length == 4:
            reference, total, sequence = (value[0] << 8) | value[1], value[2], value[3]
        else:
            continue
        if total >= 1 and 1 <= sequence <= total:
            return Concat(reference, total, sequence)
    return None


def _decode_deliver(reader: _Reader, first: int, smsc: str) -> Deliver:
    sender = _read_address(reader)
    reader.byte()                      # protocol identifier
    alphabet = _alphabet(reader.byte())
    sent_at = decode_timestamp(reader.take(7))
    text, concat = _read_user_data(reader, alphabet, bool(first & 0x40))
    return Deliver(sender, text, sent_at, concat, smsc)


def _decode_status_report(reader: _Reader) -> StatusReport:
    reference = reader.byte()
    recipient = _read_address(reader)
    reader.take(7)                     # when the SMS centre got the message
    completed_at = decode_timestamp(reader.take(7))
    status = reader.byte()
    return StatusReport(reference, recipient, status, completed_at)


def decode_submit(pdu_hex: str, with_smsc: bool = True) -> Submit:
    reader = _Reader(_bytes_of(pdu_hex))
    if with_smsc:
        _read_smsc(reader)
    first = reader.byte()
    if first & 0x03 != 0x01:
        raise PduError("not an SMS-SUBMIT")
    reference = reader.byte()
    recipient = _read_address(reader)
    reader.byte()                      # protocol identifier
    alphabet = _alphabet(reader.byte())
    validity_format = (first >> 3) & 0x03
    reader.take({0: 0, 2: 1, 1: 7, 3: 7}[validity_format])
    text, concat = _read_user_data(reader, alphabet, bool(first & 0x40))
    return Submit(recipient, text, reference, bool(first & 0x20), concat)


# --- the network's side (for the simulator) ----------------------------------------

SIM_SMSC = "+989120000000"


def encode_deliver(sender: str, text: str, when: datetime, reference: int = 0,
                   smsc: str = SIM_SMSC) -> list[str]:
    """SMS-DELIVER PDUs (hex, with the SMS centre) for a text, split as a phone would."""
    alphabet, parts = split_text(text)
    pdus = []
    for sequence, part in enumerate(parts, start=1):
        header = concat_header(reference, len(parts), sequence) if len(parts) > 1 else b""
        udl, user_data = _user_data(alphabet, part, header)
        first = 0x04 | (0x40 if header else 0)   # 0x04: no more messages waiting
        tpdu = (bytes([first]) + encode_address(sender)
                + bytes([0x00, 0x08 if alphabet == "ucs2" else 0x00]) + encode_timestamp(when)
                + bytes([udl]) + user_data)
        pdus.append((_smsc_part(smsc) + tpdu).hex().upper())
    return pdus


def encode_status_report(reference: int, recipient: str, received: datetime,
                         completed: datetime, status: int = 0, smsc: str = SIM_SMSC) -> str:
    tpdu = (bytes([0x06, reference & 0xFF]) + encode_address(recipient)
            + encode_timestamp(received) + encode_timestamp(completed) + bytes([status]))
    return (_smsc_part(smsc) + tpdu).hex().upper()


def _smsc_part(smsc: str) -> bytes:
    address = encode_address(smsc)
    return bytes([len(address) - 1]) + address[1:]
