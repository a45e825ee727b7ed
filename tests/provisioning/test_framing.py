"""Machine mode's framing: what is a frame, and that nothing else is one."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from provisioning.console import framing

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=6)
frames = st.builds(lambda seq, body: {**body, "seq": seq},
                   st.integers(0, 2**40), st.dictionaries(st.text(max_size=8).filter(
                       lambda key: key not in ("seq", "crc")), json_values, max_size=5))


def test_a_frame_reads_back_as_sent_and_a_changed_byte_is_refused():
    line = framing.encode({"seq": 7, "op": "login", "args": {"user": "رضا"}})

    assert framing.decode(line.rstrip(b"\n")) == {"seq": 7, "op": "login", "args": {"user": "رضا"}}
    assert framing.decode(line.replace(b"login", b"logon")) is None
    assert framing.decode(line.replace(b'"seq":7', b'"seq":8')) is None


def test_lines_that_are_not_frames_are_skipped():
    for line in (b"", b"[   3.1] kernel: hello", b"{}", b'{"seq": 1}', b"[1,2]", b"\xff\xfe{",
                 b'{"seq": true, "crc": "00000000"}', b'{"seq":"1","crc":"x"}'):
        assert framing.decode(line) is None


def test_noise_before_a_frame_on_its_line_is_passed_over():
    line = framing.encode({"seq": 1, "op": "hello"})

    assert framing.decode(b"\x00\x13garbage " + line) == {"seq": 1, "op": "hello"}


def test_an_overlong_line_is_dropped_whole_and_the_next_line_is_read():
    splitter = framing.LineSplitter(limit=64)
    frame = framing.encode({"seq": 2, "op": "bye"})

    lines = splitter.feed(b"x" * 500 + b"{still the long line}\n" + frame)

    assert lines == [frame.rstrip(b"\n")] and splitter.dropped == 1


@settings(max_examples=100, deadline=None)
@given(frames)
def test_any_frame_reads_back_as_sent(document):
    assert framing.decode(framing.encode(document).rstrip(b"\n")) == document


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_break_the_parser(noise):
    lines = framing.LineSplitter(limit=128).feed(noise)

    for line in lines:
        assert framing.decode(line) is None or isinstance(framing.decode(line), dict)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(frames, st.binary(max_size=60).filter(lambda b: b"{" not in b)),
                max_size=8))
def test_frames_between_noise_lines_all_come_through_and_only_they(pieces):
    splitter = framing.LineSplitter()
    stream = b"".join(framing.encode(p) if isinstance(p, dict) else p.replace(b"\n", b"") + b"\n"
                      for p in pieces)

    found = [framing.decode(line) for line in splitter.feed(stream)]

    assert [f for f in found if f is not None] == [p for p in pieces if isinstance(p, dict)]


@settings(max_examples=100, deadline=None)
@given(frames, st.integers(0, 10_000), st.integers(1, 255))
def test_a_frame_with_any_byte_changed_is_never_taken_for_another(document, where, flip):
    line = bytearray(framing.encode(document).rstrip(b"\n"))
    index = where % len(line)
    line[index] ^= flip

    decoded = framing.decode(bytes(line))

    assert decoded is None or decoded == document   # a changed byte in noise-skipped space is harmless
