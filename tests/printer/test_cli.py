"""`edge hw status | print-test | print-receipt`, run as real processes."""

from __future__ import annotations

import json

import pytest

from appliance.assembly import init_box, open_box
from edge.catalogue import DEMO_EFFECTIVE, DEMO_SERVICES, DEMO_VERSION, install_catalogue
from edge.tracking import make_code
from edge.users import add_user
from hardware.printer.sim.device import PrinterSimulator, SimState
from hardware.printer.sim.servers import PtyPrinter, TcpPrinter
from tests.helpers import run_edge as edge
from tests.printer.conftest import new_intake
from tests.printer.decoder import decode, tracking_code_in


def one_line_error(result) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("edge: "), result.stderr
    return lines[0]


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "box"
    box, _ = init_box(home)
    box.close()
    box = open_box(home, with_parts=True)      # so the intake queues its receipt, as in `edge run`
    install_catalogue(box.store, box.events, DEMO_SERVICES, DEMO_VERSION, DEMO_EFFECTIVE)
    box.operator = add_user(box.store, box.events, "maryam", "مریم احمدی", "operator",
                            "a-long-password-1")
    box.tracking_code = new_intake(box).tracking_code
    (home / "code.txt").write_text(box.tracking_code)
    box.close()
    return home


def test_print_test_to_a_file(home, tmp_path):
    out = tmp_path / "lp0.bin"
    result = edge(home, "hw", "print-test", "--printer", f"file://{out}")
    assert result.returncode == 0, result.stderr
    assert "test receipt sent to file://" in result.stdout
    decoded = decode(out.read_bytes())
    assert decoded.qr_payloads == [b"TEST-PRNT-00"]
    assert {image.width for image in decoded.rasters} == {576}


def test_print_test_on_the_simulator_by_default_with_58mm_paper(home):
    result = edge(home, "hw", "print-test", EDGE_PRINTER_WIDTH_DOTS="384")
    assert result.returncode == 0, result.stderr
    assert (home / "printer-sim" / "latest.png").exists()
    assert str(home / "printer-sim" / "latest.png") in result.stdout
    [raw] = (home / "printer-sim").glob("*.bin")
    assert {image.width for image in decode(raw.read_bytes()).rasters} == {384}


def test_print_test_errors_are_one_line(home):
    with TcpPrinter(PrinterSimulator()) as server:
        url = server.url
    line = one_line_error(edge(home, "hw", "print-test", "--printer", url))
    assert "test receipt not printed: cannot reach printer" in line
    line = one_line_error(edge(home, "hw", "print-test", "--printer", "lpt://1"))
    assert "use serial://, usb://, tcp://, file:// or sim://" in line
    line = one_line_error(edge(home, "hw", "print-test", "--printer", "sim://?state=paper-out"))
    assert "printer not ready: paper out" in line


def test_print_receipt_over_serial(home, simulator):
    code = (home / "code.txt").read_text()
    with PtyPrinter(simulator) as printer:
        result = edge(home, "hw", "print-receipt", code.lower(), "--printer",
                      f"serial://{printer.port}?baudrate=115200")
    assert result.returncode == 0, result.stderr
    assert f"receipt {code} printed" in result.stdout
    [printed] = simulator.printed
    assert [tracking_code_in(payload) for payload in printed.qr_payloads] == [code]


def test_print_receipt_that_fails_is_kept_for_the_worker(home, simulator):
    code = (home / "code.txt").read_text()
    simulator.set_state(SimState(cover_open=True))
    with PtyPrinter(simulator) as printer:
        line = one_line_error(edge(home, "hw", "print-receipt", code, "--printer",
                                   f"serial://{printer.port}"))
    assert "not printed: printer not ready: cover open" in line and "kept" in line
    box = open_box(home)
    try:
        jobs = box.store.models.PrintJob
        states = [job.state for job in jobs.select().order_by(jobs.id)]
    finally:
        box.close()
    assert states == ["queued", "failed-will-retry"]   # the intake's own job, and this one


def test_print_receipt_of_an_unknown_code(home):
    unknown = make_code("ABCDEF", 99999)
    line = one_line_error(edge(home, "hw", "print-receipt", unknown))
    assert line == f"edge: no intake has tracking code {unknown}"
    line = one_line_error(edge(home, "hw", "print-receipt", "ZZZZ-ZZZZ-ZZ"))
    assert line.startswith("edge: ZZZZ-ZZZZ-ZZ: ") and "not valid" in line


def test_hw_status(home, simulator):
    with PtyPrinter(simulator) as printer:
        url = f"serial://{printer.port}"
        result = edge(home, "hw", "status", "--json", EDGE_PRINTER_URL=url)
        assert result.returncode == 0, result.stderr
        status = json.loads(result.stdout)
        assert status["printer"]["state"] == "ready" and status["printer"]["url"] == url
        assert status["printer"]["queue"]["queued"] == 1
        simulator.set_state(SimState(paper_out=True))
        text = edge(home, "hw", "status", EDGE_PRINTER_URL=url)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("printer: paper out (serial://")
    assert "1 waiting, 0 failed, 0 printed" in text.stdout


def test_hw_status_before_init(tmp_path):
    line = one_line_error(edge(tmp_path / "nothing", "hw", "status"))
    assert "not set up" in line
