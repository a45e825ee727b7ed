"""The AT response parser: exact lines in, exact sorting out."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

from hardware.modem import at


def collect(command: str, wire: bytes, wants_prompt: bool = False) -> at.ResponseCollector:
    collector = at.ResponseCollector(command, wants_prompt=wants_prompt)
    splitter = at.LineSplitter()
    for line in splitter.feed(wire):
        collector.add(line)
    return collector


@pytest.mark.parametrize("command, wire, lines, final, urcs", [
    ("AT+CSQ", b"\r\n+CSQ: 17,99\r\n\r\nOK\r\n", ["+CSQ: 17,99"], "OK", []),
    # echo on: the command comes back first
    ("AT+CSQ", b"AT+CSQ\r\r\n+CSQ: 17,99\r\n\r\nOK\r\n", ["+CSQ: 17,99"], "OK", []),
    # a new SMS announced between the answer and OK
    ("AT+CSQ", b"\r\n+CSQ: 5,0\r\n\r\n+CMTI: \"SM\",3\r\n\r\nOK\r\n", ["+CSQ: 5,0"], "OK",
     ['+CMTI: "SM",3']),
    # a delivery report with its PDU line in the middle of a response
    ("AT+COPS?", b"\r\n+CDS: 25\r\n0791ABCD\r\n+COPS: 0,0,\"IR-MCI\",7\r\nOK\r\n",
     ['+COPS: 0,0,"IR-MCI",7'], "OK", ["+CDS: 25"]),
    ("AT+CMGR=2", b"\r\n+CMGR: 0,,23\r\n0791AB\r\nOK\r\n", ["+CMGR: 0,,23", "0791AB"], "OK", []),
    ("AT+CPIN?", b"\r\n+CME ERROR: 10\r\n", [], "+CME ERROR: 10", []),
    ("AT+CMGS=23", b"\r\n+CMS ERROR: 331\r\n", [], "+CMS ERROR: 331", []),
    ("AT+CGMI", b"\r\nSIMCOM_Ltd\r\n\r\nOK\r\n", ["SIMCOM_Ltd"], "OK", []),
    # lone LF line ends, as some firmwares send
    ("AT", b"\nOK\n", [], "OK", []),
    # Huawei E1752: its status lines come at any time, also inside an answer
    ("AT+CSQ", b"\r\n^RSSI:17\r\n\r\n+CSQ: 17,99\r\n\r\n^BOOT:20952548,0,0,0,72\r\n\r\n^MODE:5,4\r\n\r\nOK\r\n",
     ["+CSQ: 17,99"], "OK", ["^RSSI:17", "^BOOT:20952548,0,0,0,72", "^MODE:5,4"]),
    # Huawei E1752: +CLAC lines without a prefix, each ending \r\r\n
    ("AT+CLAC", b"&C\r\r\n+CSQ\r\r\n+CMGS\r\r\n\r\nOK\r\n", ["&C", "+CSQ", "+CMGS"], "OK", []),
    ("AT+WIND?", b"\r\nCOMMAND NOT SUPPORT\r\n", [], "COMMAND NOT SUPPORT", []),
    # SIMCom and Quectel: boot lines while the box already talks to it
    ("AT+CMEE=1", b"\r\nRDY\r\n\r\nCall Ready\r\n\r\n+QIND: SMS DONE\r\n\r\n+QUSIM: 1\r\n\r\nOK\r\n",
     [], "OK", ["RDY", "Call Ready", "+QIND: SMS DONE", "+QUSIM: 1"]),
])
def test_collector_sorts_lines(command, wire, lines, final, urcs):
    collector = collect(command, wire)
    assert collector.done
    assert collector.response.lines == lines
    assert collector.response.final == final
    assert [urc.line for urc in collector.urcs] == urcs


def test_cds_urc_keeps_its_pdu_line():
    collector = collect("AT+CSQ", b"\r\n+CDS: 25\r\n079189190200F0\r\n+CSQ: 1,2\r\nOK\r\n")
    assert collector.urcs[0].pdu == "079189190200F0"
    assert collector.response.values() == ["1,2"]


def test_prompt_ends_the_first_half_of_cmgs():
    collector = collect("AT+CMGS=23", b"AT+CMGS=23\r\r\n> ", wants_prompt=True)
    assert collector.done and collector.prompted


def test_splitter_gives_the_same_lines_byte_by_byte():
    wire = b"AT+CSQ\r\r\n+CSQ: 17,99\r\n\r\n+CMTI: \"SM\",1\r\nOK\r\n"
    whole = at.LineSplitter().feed(wire)
    splitter = at.LineSplitter()
    pieces = [line for byte in wire for line in splitter.feed(bytes([byte]))]
    assert pieces == whole == ["AT+CSQ", "+CSQ: 17,99", '+CMTI: "SM",1', "OK"]


@pytest.mark.parametrize("final, code, english, persian, permanent", [
    ("+CME ERROR: 10", "cme_10", "no SIM card inserted", "سیم‌کارت در مودم نیست", False),
    ("+CME ERROR: 16", "cme_16", "incorrect PIN", "رمز PIN نادرست است", True),
    ("+CME ERROR: SIM PIN required", "cme_11", "SIM PIN required", "رمز PIN سیم‌کارت لازم است", False),
    ("+CMS ERROR: 1", "cms_1", "the number is not in use", "این شماره واگذار نشده است", True),
    ("+CMS ERROR: 38", "cms_38", "the network is out of order", "شبکه از کار افتاده است", False),
    ("+CMS ERROR: 331", "cms_331", "no network service", "شبکهٔ تلفن همراه در دسترس نیست", False),
    ("+CMS ERROR: 999", "cms_999", "modem error CMS 999", "خطای مودم CMS 999", False),
    ("ERROR", "error", "the modem refused the command", "مودم فرمان را نپذیرفت", False),
])
def test_error_codes_become_words(final, code, english, persian, permanent):
    error = at.error_from_final(final)
    assert (error.code, error.message, error.message_fa, error.permanent) == (code, english, persian, permanent)


def test_ok_is_no_error():
    assert at.error_from_final("OK") is None


@pytest.mark.parametrize("value, expected", [
    ('"26/03/01,11:30:00+14"', datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)),
    ('"26/03/01,08:00:00-08"', datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)),
    ('"26/03/01,08:00:00"', datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)),
    ('"04/01/01,00:00:14+00"', None),   # never got the network's time
])
def test_cclk(value, expected):
    assert at.parse_cclk(value) == expected


@pytest.mark.parametrize("parser, value, expected", [
    (at.parse_csq, "17,99", (17, 99)),
    (at.parse_creg, "0,1", 1),
    (at.parse_creg, "2,5,\"1A2B\",\"0C3D\"", 5),
    (at.parse_creg, "2", 2),
    (at.parse_cops, '0,0,"MTN Irancell",7', "MTN Irancell"),
    (at.parse_cops, "0", None),
    (at.parse_cpin, "SIM PIN", "SIM PIN"),
    (at.parse_cmgs, "42", 42),
    (at.parse_cmti, '+CMTI: "SM",12', ("SM", 12)),
])
def test_value_parsers(parser, value, expected):
    assert parser(value) == expected


PARSERS = [at.parse_csq, at.parse_creg, at.parse_cops, at.parse_cpin, at.parse_cclk, at.parse_cmgs,
           at.parse_cmti]


@given(st.sampled_from(PARSERS), st.text(max_size=60))
def test_value_parsers_fail_only_with_parse_error(parser, value):
    try:
        parser(value)
    except at.ParseError:
        pass


@settings(max_examples=300)
@given(st.sampled_from(["AT", "AT+CSQ", "AT+CMGR=1", "AT+CMGL=4", "AT+CMGS=20"]),
       st.lists(st.one_of(st.binary(max_size=40),
                          st.sampled_from([b"\r\n", b"OK\r\n", b"+CMTI: \"SM\",1\r\n", b"> ",
                                           b"+CDS: 20\r\n", b"+CME ERROR: 10\r\n", b"\r"])),
                max_size=30))
def test_any_wire_bytes_parse_without_exception(command, chunks):
    collector = at.ResponseCollector(command, wants_prompt=command.startswith("AT+CMGS"))
    splitter = at.LineSplitter()
    for chunk in chunks:
        for line in splitter.feed(chunk):
            collector.add(line)
    collector.response.error    # noqa: B018 - computing it must not raise
    at.parse_cmgl(collector.response)
    try:
        at.parse_cmgr(collector.response)
    except at.ParseError:
        pass


def test_wavecom_cpin_answer_without_ok_can_stand_alone():
    collector = collect("AT+CPIN?", b"\r\n+CPIN: READY\r\n")
    assert not collector.done and collector.answered_without_final()
    collector.end_without_final()
    assert collector.done and collector.response.ok and collector.response.final_implied
    assert collector.response.values() == ["READY"]


@pytest.mark.parametrize("command, wire", [
    ("AT+CPIN?", b""),                        # nothing yet: keep waiting
    ("AT+CPIN?", b"\r\n+CPIN: READY\r\n\r\nOK\r\n"),   # the final came: nothing to imply
    ("AT+CSQ", b"\r\n+CSQ: 17,99\r\n"),      # other answers are always followed by a final code
])
def test_only_a_lone_cpin_answer_stands_without_final(command, wire):
    assert not collect(command, wire).answered_without_final()


@pytest.mark.parametrize("final, busy", [
    ("+CME ERROR: 515", True), ("+CME ERROR: 14", True), ("+CMS ERROR: 314", True),
    ("+CME ERROR: SIM BUSY", True), ("+CME ERROR: 10", False), ("ERROR", False), ("OK", False),
])
def test_busy_errors(final, busy):
    assert at.Response("AT", final=final).busy is busy


def test_busy_and_unsupported_in_words():
    starting = at.error_from_final("+CME ERROR: 515")
    assert starting.message == "the modem is still starting, try again" and not starting.permanent
    assert starting.message_fa == "مودم هنوز در حال راه‌اندازی است؛ دوباره امتحان کنید"
    lacking = at.error_from_final("COMMAND NOT SUPPORT")
    assert (lacking.code, lacking.permanent) == ("not_supported", True)
    assert lacking.words() == {"en": "the modem does not have this command", "fa": "مودم این فرمان را ندارد"}
