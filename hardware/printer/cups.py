"""A4 intake forms printed through CUPS (`lp -d QUEUE file.pdf`).

The form is drawn with the same Persian line renderer as the receipts and
saved as a PDF by Pillow, so CUPS gets a finished page and needs no Persian
fonts of its own.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping

from PIL import Image

from edge import jalali
from edge.digits import to_persian_digits
from hardware.printer.raster import Line, render_lines
from hardware.printer.receipt import format_fee
from hardware.printer.transport import PrinterError

log = logging.getLogger(__name__)

DPI = 150
A4 = (1240, 1754)          # 210 x 297 mm at 150 dpi
MARGIN = 90

LABELS = {
    "fa": {"title": "فرم درخواست خدمت", "service": "خدمت", "tracking": "کد رهگیری",
           "date": "تاریخ", "name": "نام و نام خانوادگی", "national_code": "کد ملی",
           "mobile": "تلفن همراه", "fee": "مبلغ", "operator": "متصدی",
           "signature": "امضای متقاضی:                      امضای متصدی:"},
    "en": {"title": "Service request form", "service": "Service", "tracking": "Tracking code",
           "date": "Date", "name": "Full name", "national_code": "National code",
           "mobile": "Mobile", "fee": "Fee", "operator": "Operator",
           "signature": "Applicant's signature:              Operator's signature:"},
}


class CupsError(PrinterError):
    """The form could not be handed to CUPS; the message says why."""

    def __init__(self, message: str):
        super().__init__(message, code="cups_refused")


def form_lines(intake: Any, settings: Mapping[str, Any], office_name: str) -> list[Line]:
    """The lines of an intake's A4 form, headed by `office_name` (`Box.office()`)."""
    lang = settings.get("language", "fa")
    labels, direction = LABELS[lang], "rtl" if lang == "fa" else "ltr"
    service = intake.service
    digits = to_persian_digits if lang == "fa" else str

    def row(label: str, value: str) -> Line:
        return Line(f"{label}: {value}", size=34, direction=direction, space_after=14)

    lines = [
        Line(office_name, size=46, bold=True, align="center",
             direction=direction, space_after=10),
        Line(labels["title"], size=40, bold=True, align="center", direction=direction,
             space_after=40),
        row(labels["tracking"], intake.tracking_code),
        row(labels["date"], jalali.format_datetime(intake.created_at, lang)),
        row(labels["service"], service.name_fa if lang == "fa" else service.name_en),
        row(labels["name"], intake.full_name),
        row(labels["national_code"], digits(intake.national_code)),
        row(labels["mobile"], digits("0" + intake.mobile[3:] if intake.mobile.startswith("+98")
                                     else intake.mobile)),
    ]
    specs = {spec["name"]: spec for spec in (service.fields or [])}
    for name, value in (intake.fields or {}).items():
        spec = specs.get(name, {})
        text = digits(str(value)) if spec.get("digits") else str(value)
        lines.append(row(spec.get(f"label_{lang}", name), text))
    lines += [
        row(labels["fee"], format_fee(intake.fee_rials, lang)),
        Line(f"{labels['operator']}: {intake.operator.full_name}", size=34,
             direction=direction, space_after=120),   # room to sign
        Line(labels["signature"], size=30, direction=direction, space_after=0),
    ]
    return lines


def render_pdf(lines: list[Line], path: Path) -> Path:
    """The lines on A4 pages (as many as they need), saved as one PDF."""
    width = A4[0] - 2 * MARGIN
    pages, page, top = [], _blank_page(), MARGIN
    for line in lines:
        block = render_lines([line], width, margin=0)
        if top + block.height > A4[1] - MARGIN and top > MARGIN:
            pages.append(page)
            page, top = _blank_page(), MARGIN
        page.paste(block, (MARGIN, top))
        top += block.height
    pages.append(page)
    path = Path(path)
    partial = path.with_suffix(".pdf.part")
    pages[0].save(partial, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    partial.replace(path)
    return path


def _blank_page() -> Image.Image:
    return Image.new("L", A4, 255)


def print_pdf(path: Path, queue: str, title: str = "", lp: str | None = None,
              env: Mapping[str, str] | None = None, timeout: float = 60) -> str:
    """Hand a PDF to CUPS queue `queue`; returns CUPS's request id."""
    if not queue:
        raise CupsError("no CUPS queue is set (setting printer.cups_queue)")
    lp = lp or shutil.which("lp")
    if lp is None:
        raise CupsError("the lp command is missing (install Debian package cups-client)")
    command = [lp, "-d", queue, "-o", "media=A4"]
    if title:
        command += ["-t", title]
    try:
        result = subprocess.run([*command, str(path)], capture_output=True, text=True,
                                timeout=timeout, env=dict(env) if env is not None else None)
    except subprocess.TimeoutExpired:
        raise CupsError(f"CUPS did not answer within {timeout:.0f} s") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["lp failed"])[-1]
        raise CupsError(f"CUPS refused the form: {reason}")
    match = re.search(r"request id is (\S+)", result.stdout)
    request = match.group(1) if match else result.stdout.strip()
    log.info("form %s sent to CUPS queue %s as %s", path.name, queue, request)
    return request


def print_intake_form(intake: Any, settings: Mapping[str, Any], office_name: str, folder: Path,
                      lp: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """Draw the intake's A4 form into `folder` and print it on the
    configured CUPS queue; returns the CUPS request id."""
    queue = settings.get("printer.cups_queue", "")
    if not queue:
        raise CupsError("no CUPS queue is set (setting printer.cups_queue)")
    folder.mkdir(parents=True, exist_ok=True)
    pdf = render_pdf(form_lines(intake, settings, office_name), folder / f"form-{intake.tracking_code}.pdf")
    return print_pdf(pdf, queue, title=f"form-{intake.tracking_code}", lp=lp, env=env)
