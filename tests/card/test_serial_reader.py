"""Serial card readers: the line parser, and a reader on a real pty."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, strategies as st

from hardware.card.part import make_service
from hardware.card.errors import NoCard
from hardware.card.serial_reader import LineBuffer, SerialCardWatcher, parse_card_line
from hardware.card.simulator import SerialCardSimulator
from hardware.card.virtual_card import answer
from tests.modem.conftest import StepClock


@pytest.mark.parametrize("raw, expected", [
    (b"04A1B2C3D4E5F6", "04A1B2C3D4E5F6"),
    (b"04:a1:b2:c3", "04A1B2C3"),
    (b"04 A1 B2 C3 D4 E5 F6", "04A1B2C3D4E5F6"),
    (b"0004512345", "0004512345"),                  # EM4100 readers print decimal
    ("۰۰۰۴۵۱۲۳۴۵".encode(), "0004512345"),           # a keyboard set to Persian digits
    (b"\x020A0B0C0D0E0E", "0A0B0C0D0E"),            # RDM6300 frame: 5 bytes + XOR checksum (0E)
    (b"UID=04A1B2C3", "04A1B2C3"),
    (b"", None), (b"hello", None), (b"123", None), (b"ABC", None),
    (b"04A1B2C", None),                               # odd number of hex digits
    (b"\xff\xfe", None), (b"9" * 200, None),
])
def test_parse_card_line(raw, expected):
    assert parse_card_line(raw) == expected


@given(st.binary(max_size=300))
def test_parse_never_raises(raw):
    result = parse_card_line(raw)
    assert result is None or (result.isascii() and result.isalnum())


def test_line_buffer_splits_on_cr_lf_and_etx():
    buffer = LineBuffer()
    assert buffer.feed(b"04A1") == []
    assert buffer.feed(b"B2C3\r\n\x020A0B0C0D\x03") == [b"04A1B2C3", b"\x020A0B0C0D"]


@pytest.mark.parametrize("apdu, expected", [
    (bytes.fromhex("FFCA000000"), bytes.fromhex("04A1B2C3D4E5F69000")),
    (bytes.fromhex("FFCA000007"), bytes.fromhex("04A1B2C3D4E5F69000")),
    (bytes.fromhex("FFCA000004"), bytes.fromhex("6C07")),
    (bytes.fromhex("FFCA010000"), bytes.fromhex("6A81")),
    (bytes.fromhex("FFB0000010"), bytes.fromhex("6D00")),
    (bytes.fromhex("00A4040000"), bytes.fromhex("6E00")),
    (bytes.fromhex("FF"), bytes.fromhex("6700")),
])
def test_virtual_card_answers(apdu, expected):
    assert answer(apdu, bytes.fromhex("04A1B2C3D4E5F6")) == expected


@given(st.binary(max_size=40))
def test_virtual_card_answers_anything(apdu):
    assert len(answer(apdu, b"\x01\x02\x03\x04")) >= 2


@pytest.mark.parametrize("framing", ["line", "stx"])
def test_serial_reader_on_a_pty(framing):
    cards, seen = [], threading.Event()
    with SerialCardSimulator(framing=framing) as simulator:
        watcher = SerialCardWatcher(simulator.port, on_card=lambda read: (cards.append(read), seen.set()))
        watcher.start()
        try:
            assert watcher.connected.wait(5)
            simulator.send_raw(b"noise\r\n")
            simulator.present("04A1B2C3D4E5F6")
            assert seen.wait(5)
        finally:
            watcher.stop()
    assert [card.uid for card in cards] == ["04A1B2C3D4E5F6"]


def test_missing_serial_reader_is_reported_in_words():
    errors, seen = [], threading.Event()
    watcher = SerialCardWatcher("/dev/pishkhan-no-card-reader", on_card=print,
                                on_error=lambda error: (errors.append(error), seen.set()))
    watcher.start()
    try:
        assert seen.wait(5)
    finally:
        watcher.stop()
    assert errors[0].code == "no_reader" and "/dev/pishkhan-no-card-reader" in errors[0].message


def test_card_service_with_the_simulator():
    service = make_service("sim://", StepClock())
    service.start()
    try:
        assert service.wait_until_listening()
        assert service.status()["state"] == "ready"
        with pytest.raises(NoCard):
            service.wait_for_card(0.2)
        threading.Timer(0.2, service.simulator.present, args=("0A0B0C0D",)).start()
        seen = service.wait_for_card(5)
        assert seen.uid == "0A0B0C0D" and service.last_card() == seen
        assert service.status()["state"] == "card_present"
    finally:
        service.stop()
    assert service.status()["state"] == "stopped"


def test_wait_for_card_on_the_box(box):
    from hardware import card
    from edge.parts import Parts
    from hardware.card.part import build
    from hardware.card.errors import CardReaderError
    with pytest.raises(CardReaderError):
        card.wait_for_card(box, 0.1)
    service = build(box)
    box.fit(Parts(card_reader=service, workers=(service,)))
    service.start()
    try:
        assert service.wait_until_listening()
        threading.Timer(0.2, service.simulator.present, args=("0A0B0C0D",)).start()
        first = card.wait_for_card(box, 5)
        assert first["uid"] == "0A0B0C0D"
        threading.Timer(0.2, service.simulator.present, args=("11223344",)).start()
        assert card.wait_for_card(box, 5, after=first["number"])["uid"] == "11223344"
    finally:
        service.stop()
