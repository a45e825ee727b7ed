"""The simulated printer: what it answers and what it prints."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from hardware.printer import escpos
from hardware.printer.receipt import encode, sample_receipt
from hardware.printer.sim.device import PrinterSimulator, SimState
from hardware.printer.sim.servers import PtyPrinter
from hardware.printer.transport import open_printer, query_status
from hardware.printer.worker import print_bytes


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=64))
def test_any_bytes_in_any_chunks_never_break_the_simulator(data, chunk):
    simulator = PrinterSimulator()
    for start in range(0, len(data), chunk):
        answer = simulator.feed(data[start:start + chunk])
        assert all(escpos.is_status_byte(b) for b in answer)


def test_it_prints_nothing_while_the_cover_is_open_and_answers_meanwhile():
    simulator = PrinterSimulator(state=SimState(cover_open=True))
    answer = simulator.feed(encode(sample_receipt(384)) + escpos.status_query(2))
    assert simulator.printed == [] and simulator.discarded_bytes > 0
    assert escpos.parse_status({2: answer}).state == "cover open"


def test_too_much_qr_data_prints_no_qr_but_does_not_fail():
    simulator = PrinterSimulator()
    simulator.feed(escpos.INIT + escpos.qr_code(b"x" * 7000, module_size=1) + escpos.cut())
    [printed] = simulator.printed
    assert printed.qr_payloads == [b"x" * 7000]


def test_an_image_wider_than_the_paper_is_cut_at_the_edge():
    simulator = PrinterSimulator(paper_dots=384)
    simulator.feed(escpos.raster_image(80, 2, b"\xff" * 160) + escpos.cut())
    assert simulator.printed[0].image.width == 384


@pytest.mark.parametrize("words, state", [
    ("", SimState()), ("paper-out", SimState(paper_out=True)),
    ("cover-open,near-end", SimState(cover_open=True, paper_near_end=True)),
    ("offline", SimState(online=False)), ("fault", SimState(error="cutter jammed")),
])
def test_states_by_name(words, state):
    assert SimState.from_words(words) == state


def test_status_bytes_inside_image_data_do_not_confuse_the_next_question(tmp_path):
    # 10 04 04 inside the raster: the printer answers it as a real-time
    # command. The box must not read that byte as an answer to its own
    # questions afterwards.
    simulator = PrinterSimulator(tmp_path, SimState(paper_near_end=True))
    tricky = escpos.INIT + escpos.raster_image(3, 2, b"\x10\x04\x01\x10\x04\x01") + escpos.cut()
    with PtyPrinter(simulator) as printer:
        connection = open_printer(f"serial://{printer.port}")
        try:
            assert print_bytes(connection, tricky, 2.0).state == "ready, paper near end"
            assert query_status(connection, 2.0).state == "ready, paper near end"
        finally:
            connection.close()
    assert len(simulator.printed) == 1
