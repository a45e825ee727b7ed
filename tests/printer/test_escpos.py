"""Exact bytes of the ESC/POS builders, and the parsers under hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from hardware.printer import escpos
from hardware.printer.sim import parser
from hardware.printer.escpos import EscPosError, PrinterStatus, parse_status, status_answer


@pytest.mark.parametrize("built, expected", [
    (escpos.INIT, b"\x1b\x40"),
    (escpos.align(escpos.ALIGN_LEFT), b"\x1b\x61\x00"),
    (escpos.align(escpos.ALIGN_CENTER), b"\x1b\x61\x01"),
    (escpos.align(escpos.ALIGN_RIGHT), b"\x1b\x61\x02"),
    (escpos.feed_lines(3), b"\x1b\x64\x03"),
    (escpos.cut(), b"\x1d\x56\x42\x03"),
    (escpos.feed_dots(24), b"\x1b\x4a\x18"),
    # one ink row, 9 blank rows (fed, not sent), one ink row
    (escpos.raster_skipping_blank(1, 11, b"\x81" + bytes(9) + b"\x18", min_gap=8),
     b"\x1dv0\x00\x01\x00\x01\x00\x81\x1bJ\x09\x1dv0\x00\x01\x00\x01\x00\x18"),
    # gaps shorter than min_gap stay in the image
    (escpos.raster_skipping_blank(1, 4, b"\x01\x00\x02\x00", min_gap=2),
     b"\x1dv0\x00\x01\x00\x04\x00\x01\x00\x02\x00"),
    (escpos.raster_skipping_blank(1, 600, b"\x01" + bytes(599), min_gap=8),
     b"\x1dv0\x00\x01\x00\x01\x00\x01\x1bJ\xff\x1bJ\xff\x1bJ\x59"),
    (escpos.cut(partial=False, feed=0), b"\x1d\x56\x41\x00"),
    (escpos.status_query(1), b"\x10\x04\x01"),
    (escpos.status_query(4), b"\x10\x04\x04"),
    (escpos.raster_image(2, 1, b"\xf0\x0f"), b"\x1d\x76\x30\x00\x02\x00\x01\x00\xf0\x0f"),
    (escpos.raster_image(300, 2, bytes(600))[:8], b"\x1d\x76\x30\x00\x2c\x01\x02\x00"),
    (escpos.qr_code(b"K7Q2-MX04-F7", module_size=6, error_level="M"),
     b"\x1d(k\x04\x00\x31\x41\x32\x00"          # model 2
     b"\x1d(k\x03\x00\x31\x43\x06"              # module size 6 dots
     b"\x1d(k\x03\x00\x31\x45\x31"              # error correction M
     b"\x1d(k\x0f\x00\x31\x50\x30K7Q2-MX04-F7"  # store 12 bytes (pL = 12 + 3)
     b"\x1d(k\x03\x00\x31\x51\x30"),            # print
    (escpos.qr_code(b"A", module_size=16, error_level="H")[9:],
     b"\x1d(k\x03\x00\x31\x43\x10\x1d(k\x03\x00\x31\x45\x33"
     b"\x1d(k\x04\x00\x31\x50\x30A\x1d(k\x03\x00\x31\x51\x30"),
])
def test_builders_make_exact_bytes(built, expected):
    assert built == expected


@pytest.mark.parametrize("call", [
    lambda: escpos.align(3),
    lambda: escpos.feed_lines(256),
    lambda: escpos.cut(feed=-1),
    lambda: escpos.status_query(5),
    lambda: escpos.raster_image(2, 2, b"\x00"),
    lambda: escpos.raster_image(0, 1, b""),
    lambda: escpos.raster_image(70000, 1, bytes(70000)),
    lambda: escpos.qr_code(b""),
    lambda: escpos.qr_code(b"x", module_size=17),
    lambda: escpos.qr_code(b"x", error_level="X"),
    lambda: escpos.qr_code(b"x" * 7090),
])
def test_builders_refuse_bad_arguments(call):
    with pytest.raises(EscPosError):
        call()


def test_tall_image_goes_in_bands_that_add_up():
    data = bytes(range(256)) * 3   # 3 bytes wide, 256 rows
    bands = escpos.raster_bands(3, 256, data, band_rows=100)
    commands = list(parser.iter_commands(bands))
    assert [c.args for c in commands] == [(0, 3, 100), (0, 3, 100), (0, 3, 56)]
    assert b"".join(c.data for c in commands) == data


@pytest.mark.parametrize("answers, state", [
    ({1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x12"}, "ready"),
    ({1: b"\x1a", 2: b"\x16", 3: b"\x12", 4: b"\x12"}, "cover open"),
    ({1: b"\x1a", 2: b"\x32", 3: b"\x12", 4: b"\x72"}, "paper out"),
    ({1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x1e"}, "ready, paper near end"),
    ({1: b"\x1a", 2: b"\x12", 3: b"\x12", 4: b"\x12"}, "offline"),
    ({1: b"\x1a", 2: b"\x52", 3: b"\x1a", 4: b"\x12"}, "error: cutter jammed"),
    ({1: b"\x12"}, "ready"),
    ({4: b"\x72"}, "paper out"),
    ({1: b""}, "no answer"),
    ({1: b"\xff\x00"}, "no answer"),           # not status bytes at all
    ({1: b"\x00\x1a"}, "offline"),             # stray byte, then the answer
    ({}, "no answer"),
])
def test_status_answers_read_as_words(answers, state):
    assert parse_status(answers).state == state


def test_ready_only_when_answered_and_nothing_wrong():
    assert parse_status({1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x12"}).ready
    assert not PrinterStatus().ready
    assert not parse_status({4: b"\x72"}).ready


@given(st.dictionaries(st.integers(min_value=-5, max_value=10),
                       st.one_of(st.none(), st.binary(max_size=8))))
def test_status_parser_takes_any_bytes(answers):
    status = parse_status(answers)
    assert isinstance(status.state, str) and status.state
    assert status.ready == (status.state in ("ready", "ready, paper near end"))


states = st.fixed_dictionaries({
    "online": st.booleans(), "cover_open": st.booleans(), "paper_out": st.booleans(),
    "paper_near_end": st.booleans(),
    "error": st.sampled_from([None, "cutter jammed", "unrecoverable fault, "
                              "switch the printer off and on"])})


@given(states)
def test_status_answers_round_trip(state):
    answers = {n: status_answer(n, **state) for n in escpos.STATUS_QUERIES}
    assert all(escpos.is_status_byte(a[0]) for a in answers.values())
    parsed = parse_status(answers)
    assert parsed.online is state["online"]
    assert parsed.cover_open is state["cover_open"]
    assert parsed.paper_out is state["paper_out"]
    assert parsed.paper_near_end is state["paper_near_end"]
    assert parsed.error == state["error"]


@settings(max_examples=200)
@given(st.binary(max_size=300), st.lists(st.integers(min_value=1, max_value=40), max_size=20))
def test_stream_parser_takes_any_bytes_in_any_chunks(data, cuts):
    whole = parser.StreamParser().feed(data)
    stream, pieces, start = parser.StreamParser(), [], 0
    for size in cuts:
        pieces += stream.feed(data[start:start + size])
        start += size
    pieces += stream.feed(data[start:])
    assert _merge_text(pieces) == _merge_text(whole)
    # Nothing is lost or invented: the commands' bytes are the input, less
    # a trailing incomplete command.
    consumed = b"".join(c.raw for c in whole)
    assert data.startswith(consumed)
    assert len(data) - len(consumed) == stream.pending


def test_stream_parser_finds_commands_between_text():
    data = b"\x1b@ab\n\x10\x04\x02\x1dV\x42\x03\x1ba\x01"
    names = [c.name for c in parser.iter_commands(data)]
    assert names == ["init", "text", "line_feed", "status", "cut", "align"]


def _merge_text(commands):
    """Text may arrive split at any byte; adjacent text runs are one text."""
    merged = []
    for command in commands:
        if merged and command.name == merged[-1].name == "text":
            merged[-1] = parser.Command("text", data=merged[-1].data + command.data,
                                        raw=merged[-1].raw + command.raw)
        else:
            merged.append(command)
    return merged
