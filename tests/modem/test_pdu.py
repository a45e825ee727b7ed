"""PDU encoding and decoding: exact bytes, the part limits, and round trips."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from hardware.modem import pdu

TEHRAN = timezone(timedelta(hours=3, minutes=30))


@pytest.mark.parametrize("number, text, report, expected, length", [
    # The classic example of TS 23.040 tutorials: "hellohello" to +46708251358.
    ("+46708251358", "hellohello", False, "0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 23),
    # Persian goes as UCS2 (DCS 08): سلام is 0633 0644 0627 0645.
    ("+989121234567", "سلام", False, "0011000C918919123254760008AA080633064406270645", 22),
    # Delivery report requested: TP-SRR (0x20) in the first octet.
    ("+989121234567", "hi", True, "0031000C918919123254760000AA02E834", 16),
    # National number: type 0x81, odd digit count padded with F.
    ("09121234567", "A", False, "0011000B819021214365F70000AA0141", 15),
])
def test_submit_exact_bytes(number, text, report, expected, length):
    [single] = pdu.encode_submit(number, text, status_report=report)
    assert single.hex == expected
    assert single.length == length == len(expected) // 2 - 1


def test_concatenated_ucs2_header_exact_bytes():
    parts = pdu.encode_submit("+989121234567", "س" * 71, reference=0x2A)
    assert len(parts) == 2
    # first octet 0x51: SUBMIT + relative validity + UDHI; UDL 0x8C = 6 header octets + 67 * 2
    assert parts[0].hex == "0051000C918919123254760008AA8C0500032A0201" + "0633" * 67
    assert parts[1].hex == "0051000C918919123254760008AA0E0500032A0202" + "0633" * 4


def test_concatenated_gsm7_header_and_fill_bit():
    parts = pdu.encode_submit("+46708251358", "a" * 161, reference=1)
    # UDL 0xA0 = 160 septets: 7 for the header (48 bits + 1 fill bit) + 153 characters.
    assert parts[0].hex.startswith("0051000B916407281553F80000AAA0050003010201C2")
    assert pdu.decode_submit(parts[0].hex).text == "a" * 153


@pytest.mark.parametrize("text, parts", [
    ("س" * 70, 1), ("س" * 71, 2), ("س" * 134, 2), ("س" * 135, 3),
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("{" * 80, 1), ("{" * 81, 2),       # extension characters take two septets
    ("😀" * 35, 1), ("😀" * 36, 2),     # surrogate pairs take two UCS2 units
])
def test_part_limits(text, parts):
    assert pdu.count_parts(text) == parts


def test_split_never_cuts_an_escape_or_surrogate_pair():
    _, gsm = pdu.split_text("a" * 152 + "{" + "b" * 10)
    assert gsm[0] == "a" * 152 and gsm[1].startswith("{")
    _, ucs = pdu.split_text("س" * 66 + "😀" * 3)
    assert ucs[0] == "س" * 66 and ucs[1] == "😀" * 3


def test_decode_known_deliver():
    message = pdu.decode("07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07")
    assert message == pdu.Deliver("+31641600986", "How are you?",
                                  datetime(2002, 8, 26, 19, 37, 41, tzinfo=timezone.utc), None, "+31624000000")


def test_decode_alphanumeric_sender():
    # Operators send as a name: type 0xD0, "MCI" packed in GSM 7-bit (6 semi-octets).
    raw = "00" + "04" + "06D0CD6112" + "00" + "00" + "62301080000041" + "02" + "E834"
    message = pdu.decode(raw)
    assert message.sender == "MCI" and message.text == "hi"


def test_decode_status_report():
    when = datetime(2026, 3, 1, 11, 30, tzinfo=TEHRAN)
    report = pdu.decode(pdu.encode_status_report(42, "+989121234567", when, when, status=0x00))
    assert (report.reference, report.recipient, report.delivered, report.final) == (42, "+989121234567", True, True)
    pending = pdu.decode(pdu.encode_status_report(7, "+989121234567", when, when, status=0x21))
    assert not pending.final
    failed = pdu.decode(pdu.encode_status_report(7, "+989121234567", when, when, status=0x41))
    assert failed.final and not failed.delivered
    assert failed.words()["en"] == "not delivered (network status 0x41)"


def test_timestamp_keeps_the_iran_offset():
    when = datetime(2026, 3, 1, 11, 30, 5, tzinfo=TEHRAN)
    assert pdu.encode_timestamp(when).hex().upper() == "62301011035041"
    assert pdu.decode_timestamp(pdu.encode_timestamp(when)) == when


texts = st.one_of(
    st.text(alphabet=st.sampled_from(pdu.GSM7_BASIC.replace("\x1b", "") + "{}[]~|^€\\"), max_size=400),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.text(alphabet="سلامدنیاکد رهگیری۰۱۲۳۴", max_size=300),
)


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 255), st.booleans())
def test_submit_round_trip(text, reference, report):
    parts = pdu.encode_submit("+989121234567", text, reference=reference, status_report=report)
    decoded = [pdu.decode_submit(part.hex) for part in parts]
    assert "".join(part.text for part in decoded) == text
    assert all(part.recipient == "+989121234567" and part.status_report == report for part in decoded)
    for sequence, part in enumerate(decoded, start=1):
        if len(parts) > 1:
            assert part.concat == pdu.Concat(reference, len(parts), sequence)
    assert all(len(bytes.fromhex(part.hex)) - 1 <= 140 + 36 for part in parts)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_deliver_round_trip(text):
    when = datetime(2026, 3, 1, 11, 30, tzinfo=TEHRAN)
    parts = [pdu.decode(message) for message in pdu.encode_deliver("+989351112233", text, when, 9)]
    assert "".join(part.text for part in parts) == text
    assert all(part.sender == "+989351112233" and part.sent_at == when for part in parts)


def first_octet(data: bytes, with_smsc: bool) -> int | None:
    """The PDU's first octet (its low two bits tell the message type), after
    the SMS centre part when there is one; None when the data ends before."""
    at = 1 + data[0] if with_smsc and data else 0
    return data[at] if at < len(data) else None


DECODERS = {pdu.decode: {0: pdu.Deliver, 2: pdu.StatusReport}, pdu.decode_submit: {1: pdu.Submit}}


@settings(max_examples=500)
@given(st.binary(max_size=200), st.booleans())
def test_any_bytes_decode_as_their_message_type_or_fail_with_pdu_error(data, with_smsc):
    """A modem can hand over anything: it is either refused with PduError (never
    another error) or read as the message type its first octet names."""
    first = first_octet(data, with_smsc)
    for decoder, types in DECODERS.items():
        try:
            message = decoder(data.hex(), with_smsc)
        except pdu.PduError:
            continue
        assert first is not None and type(message) is types.get(first & 0x03)
        text = getattr(message, "text", "")
        assert isinstance(text, str)
        concat = getattr(message, "concat", None)
        assert concat is None or 1 <= concat.sequence <= concat.total


WHEN = datetime(2026, 3, 1, 11, 30, tzinfo=TEHRAN)


@settings(max_examples=100, deadline=None)
@given(texts, st.data())
def test_every_pdu_cut_short_is_refused(text, data):
    """A PDU that lost its tail (a line cut by the serial link) never reads as
    a shorter message: every decoder refuses it with PduError."""
    whole = [(pdu.decode, hex_) for hex_ in pdu.encode_deliver("+989351112233", text, WHEN, 9)]
    whole += [(pdu.decode_submit, part.hex) for part in pdu.encode_submit("+989121234567", text)]
    whole += [(pdu.decode, pdu.encode_status_report(5, "+989121234567", WHEN, WHEN))]
    for decoder, hex_ in whole:
        octets = data.draw(st.integers(0, len(hex_) // 2 - 1), label="octets kept")
        with pytest.raises(pdu.PduError):
            decoder(hex_[:2 * octets])


NOT_HEX = st.characters(blacklist_categories=("Cs",)).filter(
    lambda char: char not in "0123456789abcdefABCDEF" and not char.isspace())


@given(st.text(max_size=20), NOT_HEX, st.text(max_size=20))
def test_non_hex_fails_with_pdu_error(before, bad, after):
    with pytest.raises(pdu.PduError, match="not hexadecimal"):
        pdu.decode(before + bad + after)
