"""Each printer URL against the simulator at the far end of a real wire:
a pty pair (serial, and usb's character device), a loopback TCP socket,
a file, and sim:// in-process."""

from __future__ import annotations

import pytest

from hardware.printer import escpos
from hardware.printer.receipt import encode, sample_receipt
from hardware.printer.sim.device import PrinterSimulator, SimState
from hardware.printer.sim.servers import PtyPrinter, TcpPrinter
from hardware.printer.transport import (PrinterError, PrinterUrlError, open_printer,
                                        query_status, validate_url)
from hardware.printer.worker import print_bytes
from tests.printer.decoder import decode

RECEIPT = encode(sample_receipt(384))


@pytest.fixture
def pty_printer(simulator):
    with PtyPrinter(simulator) as server:
        yield server


@pytest.fixture
def tcp_printer(simulator):
    with TcpPrinter(simulator) as server:
        yield server


@pytest.fixture(params=["serial", "usb", "tcp"])
def wired(request, simulator):
    """(url, simulator) for each transport that carries answers."""
    if request.param == "tcp":
        server = TcpPrinter(simulator)
        url = server.url
    else:
        server = PtyPrinter(simulator)
        url = (f"serial://{server.port}?baudrate=115200" if request.param == "serial"
               else f"usb://{server.port}")
    with server:
        yield url, simulator


def test_status_is_read_over_the_wire(wired):
    url, simulator = wired
    connection = open_printer(url)
    try:
        assert query_status(connection).state == "ready"
        simulator.set_state(SimState(paper_out=True))
        assert query_status(connection).state == "paper out"
        simulator.set_state(SimState(cover_open=True))
        assert query_status(connection).state == "cover open"
        simulator.set_state(SimState(online=False))
        assert query_status(connection).state == "offline"
    finally:
        connection.close()


def test_receipt_arrives_whole_over_the_wire(wired):
    url, simulator = wired
    connection = open_printer(url)
    try:
        status = print_bytes(connection, RECEIPT, status_timeout=2.0)
    finally:
        connection.close()
    assert status.state == "ready"
    [printed] = simulator.printed
    assert printed.raw == RECEIPT
    assert printed.qr_payloads == [b"TEST-PRNT-00"]
    assert printed.png_path.exists()


def test_printer_that_is_out_of_paper_prints_nothing_and_says_why(wired):
    url, simulator = wired
    simulator.set_state(SimState(paper_out=True))
    connection = open_printer(url)
    try:
        with pytest.raises(PrinterError, match="paper out"):
            print_bytes(connection, RECEIPT, status_timeout=2.0)
    finally:
        connection.close()
    assert simulator.printed == []


def test_paper_running_out_while_printing_is_a_failure(pty_printer, simulator):
    class RunsOut(PrinterSimulator):
        def feed(self, data):
            answer = super().feed(data)
            if self.printed:      # the cut went through, then the roll ended
                self.set_state(SimState(paper_out=True))
            return answer

    runs_out = RunsOut(simulator.out_dir)
    pty_printer.simulator = runs_out
    connection = open_printer(f"serial://{pty_printer.port}")
    try:
        with pytest.raises(PrinterError, match="stopped while printing: paper out"):
            print_bytes(connection, RECEIPT, status_timeout=2.0)
    finally:
        connection.close()


def test_file_printer_gets_the_bytes_and_no_answer(tmp_path):
    path = tmp_path / "printer.bin"
    for _ in range(2):
        connection = open_printer(f"file://{path}")
        try:
            assert print_bytes(connection, RECEIPT).state == "no answer"
        finally:
            connection.close()
    assert path.read_bytes() == RECEIPT * 2
    decoded = decode(path.read_bytes())
    assert decoded.qr_payloads == [b"TEST-PRNT-00"] * 2


def test_sim_url_keeps_receipts_in_its_folder(tmp_path):
    connection = open_printer("sim://", sim_dir=tmp_path)
    print_bytes(connection, RECEIPT)
    assert (tmp_path / "latest.png").exists() and (tmp_path / "000001.bin").read_bytes() == RECEIPT
    failing = open_printer("sim://?state=paper-out,cover-open", sim_dir=tmp_path)
    assert query_status(failing).state == "cover open"


def test_nobody_listening_on_tcp_is_a_clear_error():
    with TcpPrinter(PrinterSimulator()) as server:
        url = server.url
    with pytest.raises(PrinterError, match=f"cannot reach printer {url}"):
        open_printer(url, timeout=1)


def test_missing_serial_device_is_a_clear_error(tmp_path):
    with pytest.raises(PrinterError, match="cannot open printer"):
        open_printer(f"serial://{tmp_path}/ttyUSB9")
    with pytest.raises(PrinterError, match="No such file"):
        open_printer(f"usb://{tmp_path}/lp9")


@pytest.mark.parametrize("url", [
    "lpt://x", "serial://", "tcp://:9100", "tcp://host:port", "serial:///dev/x?baudrate=123",
    "serial:///dev/x?parity=E", "sim://?state=on-fire", "/dev/usb/lp0",
])
def test_bad_urls_are_refused(url, tmp_path):
    with pytest.raises(PrinterUrlError):
        validate_url(url)
    with pytest.raises(PrinterUrlError):
        open_printer(url, sim_dir=tmp_path)


def test_status_query_bytes_on_the_wire(pty_printer, simulator):
    """The box asks DLE EOT 1..4 in that order, one byte answered each."""
    seen = []

    class Recording(PrinterSimulator):
        def feed(self, data):
            seen.append(data)
            return super().feed(data)

    pty_printer.simulator = Recording(simulator.out_dir)
    connection = open_printer(f"serial://{pty_printer.port}")
    try:
        query_status(connection, timeout=2.0)
    finally:
        connection.close()
    assert b"".join(seen) == b"".join(escpos.status_query(n) for n in (1, 2, 3, 4))
