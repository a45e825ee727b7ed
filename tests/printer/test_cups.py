"""A4 forms: the PDF, and printing it through a real CUPS scheduler with the
cups-pdf printer (Debian's printer-driver-cups-pdf). The test runs its own
cupsd on a private socket, so it needs root (the cups-pdf backend runs as
root) but leaves the machine's CUPS alone."""

from __future__ import annotations

import os
import pwd
import time
import uuid
from pathlib import Path

import pytest

from hardware.printer import raster
from hardware.printer.cups import CupsError, form_lines, print_intake_form, print_pdf, render_pdf
from tests.helpers import run_edge, wait_until
from tests.printer.conftest import new_intake
from tests.system import require


@pytest.fixture(autouse=True)
def _raqm():
    require(raster.has_raqm(), "Pillow with raqm layout (Debian package libraqm0)")


def _pdf_from_cups_pdf(title: str, timeout: float = 30) -> Path:
    """cups-pdf writes to ${HOME}/PDF of the job's user (root here), named
    after the job title."""
    out = Path(pwd.getpwuid(os.geteuid()).pw_dir) / "PDF"
    [found, *_] = wait_until(lambda: [p for p in out.glob(f"{title}*.pdf") if p.stat().st_size > 0],
                             timeout, interval=0.1, what=f"cups-pdf writing {title}*.pdf in {out}")
    time.sleep(0.2)     # let cups-pdf finish writing: nothing tells when it has
    return found


def test_intake_form_is_an_a4_pdf(make_box, tmp_path):
    box = make_box()
    intake = new_intake(box, "POST-PARCEL", {"postcode": "1234567890", "weight_grams": "750"})
    texts = [line.text for line in form_lines(intake, box.settings, box.office().name)]
    assert f"کد رهگیری: {intake.tracking_code}" in texts
    assert "کد ملی: ۰۰۱۳۵۴۲۴۱۹" in texts and "تلفن همراه: ۰۹۱۲۱۲۳۴۵۶۷" in texts
    assert "مبلغ: ۷۸۰٬۰۰۰ ریال" in texts and "وزن (گرم): ۷۵۰" in texts
    pdf = render_pdf(form_lines(intake, box.settings, box.office().name), tmp_path / "form.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 595.2 841.92 ]" in data   # A4 in points


def test_a_long_form_flows_onto_more_pages(tmp_path):
    lines = [raster.Line(f"سطر {n}", size=34) for n in range(60)]
    data = render_pdf(lines, tmp_path / "long.pdf").read_bytes()
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 2 or \
        data.count(b"/MediaBox") >= 2


def test_form_printed_through_cups_pdf(cups, make_box, tmp_path):
    queue, env = cups
    box = make_box(printer_cups_queue=queue)
    intake = new_intake(box)
    request = print_intake_form(intake, box.settings, box.office().name, tmp_path / "forms",
                                env=env)
    assert request.startswith(f"{queue}-")
    printed = _pdf_from_cups_pdf(f"form-{intake.tracking_code}")
    try:
        assert printed.read_bytes().startswith(b"%PDF") and printed.stat().st_size > 2000
    finally:
        printed.unlink()


def test_unknown_queue_is_a_clear_error(cups, tmp_path):
    _, env = cups
    pdf = render_pdf([raster.Line("آزمون")], tmp_path / "x.pdf")
    with pytest.raises(CupsError, match="CUPS refused the form"):
        print_pdf(pdf, f"no-such-{uuid.uuid4().hex[:6]}", env=env)


def test_no_queue_configured(make_box, tmp_path):
    box = make_box()
    intake = box.store.models.Intake.get_or_none() or new_intake(box)
    with pytest.raises(CupsError, match="printer.cups_queue"):
        print_intake_form(intake, box.settings, box.office().name, tmp_path)


def test_edge_hw_print_form(cups, make_box):
    queue, env = cups
    box = make_box()
    code = new_intake(box).tracking_code
    home = box.home
    box.close()
    result = run_edge(home, "hw", "print-form", code, "--queue", queue, **env)
    assert result.returncode == 0, result.stderr
    assert f"form {code} sent to CUPS as {queue}-" in result.stdout
    _pdf_from_cups_pdf(f"form-{code}").unlink()
    nothing = run_edge(home, "hw", "print-form", code, **env)
    assert nothing.returncode == 1
    assert nothing.stderr.strip() == (f"edge: form {code} not printed: no CUPS queue is set "
                                      "(setting printer.cups_queue)")
