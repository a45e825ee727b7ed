"""The receipt: what is printed for an intake, and its layout in ESC/POS.

Text lines go as raster images (see raster.py); the tracking code's QR code
goes as the printer's own GS ( k commands, which print it sharp at any size.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from edge import jalali, receipts
from edge.digits import group_thousands, to_persian_digits
from hardware.printer import escpos
from hardware.printer.raster import Line, render_lines, to_raster

WIDTHS = (384, 576)   # 58 mm and 80 mm paper at 203 dpi

LABELS = {
    "fa": {"service": "خدمت", "fee": "مبلغ", "currency": "ریال", "date": "تاریخ",
           "time": "ساعت", "tracking": "کد رهگیری", "operator": "متصدی",
           "footer": "این رسید را تا پایان کار نگه دارید", "void": "باطل شد",
           "copy": "المثنی"},
    "en": {"service": "Service", "fee": "Fee", "currency": "rials", "date": "Date",
           "time": "Time", "tracking": "Tracking code", "operator": "Operator",
           "footer": "Keep this receipt until your request is done", "void": "VOID",
           "copy": "COPY"},
}


class ReceiptError(ValueError):
    """A receipt that cannot be printed as given."""


@dataclass(frozen=True)
class Receipt:
    office_name: str
    service_name: str
    fee_rials: int
    created_at: datetime          # aware, UTC; printed in Iran time
    tracking_code: str
    operator_name: str
    lang: str = "fa"
    width_dots: int = 576
    void: bool = False            # the intake is cancelled: the receipt proves nothing
    copy: int = 0                 # 0: the original; n: the n-th copy printed after it
    proof: str = ""               # the signed QR text (wire.receipt_proof); else the code

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ReceiptError("receipt time must be timezone-aware")
        if self.lang not in LABELS:
            raise ReceiptError(f"receipt language must be fa or en, got {self.lang!r}")
        if self.width_dots not in WIDTHS:
            raise ReceiptError(f"paper width must be 384 or 576 dots, got {self.width_dots}")
        if self.fee_rials < 0:
            raise ReceiptError("a fee cannot be negative")
        if not self.tracking_code:
            raise ReceiptError("a receipt needs a tracking code")
        if self.copy < 0:
            raise ReceiptError("a copy number cannot be negative")

    def to_json(self) -> str:
        fields = asdict(self)
        fields["created_at"] = self.created_at.astimezone(timezone.utc).isoformat()
        return json.dumps(fields, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Receipt":
        fields = json.loads(text)
        fields["created_at"] = datetime.fromisoformat(fields["created_at"])
        return cls(**fields)


# --- Persian formatting -----------------------------------------------------

def jalali_date_time(moment: datetime, lang: str) -> tuple[str, str]:
    """("۱۴۰۵/۰۹/۱۰", "۱۷:۳۸") in Iran time; ASCII digits for en."""
    local = jalali.to_jalali(moment)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    return jalali.numeric_date(moment, lang), to_persian_digits(clock) if lang == "fa" else clock


def format_fee(fee_rials: int, lang: str) -> str:
    """120000 -> "۱۲۰٬۰۰۰ ریال" (fa) or "120,000 rials" (en)."""
    return f"{group_thousands(fee_rials, lang)} {LABELS[lang]['currency']}"


# --- Layout -----------------------------------------------------------------

def _sizes(width_dots: int) -> dict[str, int]:
    if width_dots >= 576:
        return {"title": 34, "body": 26, "code": 52, "small": 20, "qr": 8}
    return {"title": 26, "body": 21, "code": 38, "small": 17, "qr": 6}


def receipt_lines(receipt: Receipt) -> tuple[list[Line], list[Line]]:
    """The lines above the QR code and those below it."""
    labels, size = LABELS[receipt.lang], _sizes(receipt.width_dots)
    direction = "rtl" if receipt.lang == "fa" else "ltr"
    date, clock = jalali_date_time(receipt.created_at, receipt.lang)

    def body(text: str, **kw: Any) -> Line:
        return Line(text, size=size["body"], direction=direction, **kw)

    above = [*marks(receipt),
        Line(receipt.office_name, size=size["title"], bold=True, align="center",
             direction=direction, space_after=12),
        body(f"{labels['service']}: {receipt.service_name}"),
        body(f"{labels['fee']}: {format_fee(receipt.fee_rials, receipt.lang)}", bold=True),
        body(f"{labels['date']}: {date}    {labels['time']}: {clock}", space_after=12),
        body(labels["tracking"], align="center"),
        # The code is Latin letters and digits read aloud and typed: left to right.
        Line(receipt.tracking_code, size=size["code"], bold=True, align="center",
             direction="ltr", space_after=8),
    ]
    below = [
        body(f"{labels['operator']}: {receipt.operator_name}"),
        Line(labels["footer"], size=size["small"], align="center", direction=direction),
    ]
    return above, below


def marks(receipt: Receipt) -> list[Line]:
    """What a reader must see first: a cancelled intake's void mark, and a
    copy's «المثنی» with its number."""
    labels, size = LABELS[receipt.lang], _sizes(receipt.width_dots)
    direction = "rtl" if receipt.lang == "fa" else "ltr"
    found = []
    if receipt.void:
        found.append(Line(f"*** {labels['void']} ***", size=size["code"], bold=True,
                          align="center", direction=direction, space_after=8))
    if receipt.copy:
        number = to_persian_digits(str(receipt.copy)) if receipt.lang == "fa" else receipt.copy
        found.append(Line(f"{labels['copy']} {number}", size=size["title"], bold=True,
                          align="center", direction=direction, space_after=8))
    return found


def _raster(lines: list[Line], width: int) -> bytes:
    return escpos.raster_skipping_blank(*to_raster(render_lines(lines, width)))


def encode(receipt: Receipt) -> bytes:
    """The whole receipt as ESC/POS bytes, ending with a cut."""
    above, below = receipt_lines(receipt)
    size = _sizes(receipt.width_dots)
    return b"".join((
        escpos.INIT,
        escpos.align(escpos.ALIGN_CENTER),
        _raster(above, receipt.width_dots),
        escpos.qr_code((receipt.proof or receipt.tracking_code).encode("ascii", "replace"),
                       module_size=size["qr"], error_level="M"),
        escpos.LINE_FEED,
        _raster(below, receipt.width_dots),
        escpos.feed_lines(3),
        escpos.cut(),
    ))


def encode_test_page(width_dots: int, lang: str = "fa", now: datetime | None = None) -> bytes:
    """`edge hw print-test`: a sample receipt that exercises every part."""
    return encode(sample_receipt(width_dots, lang, now))


def sample_receipt(width_dots: int = 576, lang: str = "fa", now: datetime | None = None,
                   office_name: str = "دفتر پیشخوان نمونه") -> Receipt:
    return Receipt(
        office_name=office_name if lang == "fa" else "Sample service office",
        service_name="صدور گواهی عدم سوء پیشینه" if lang == "fa" else "Clean record certificate",
        fee_rials=1_250_000,
        created_at=now or datetime.now(timezone.utc),
        tracking_code="TEST-PRNT-00",
        operator_name="آزمون چاپگر" if lang == "fa" else "Printer test",
        lang=lang, width_dots=width_dots)


def receipt_for_intake(intake: Any, settings: Mapping[str, Any], office_name: str,
                       copy: int = 0, sign: Callable[[bytes], bytes] | None = None) -> Receipt:
    """The receipt of an `edge.models.Intake`, void once it is cancelled, headed
    by `office_name` (`Box.office()`: the enrolled office's, not the settings'
    default); with `sign` (the device key's), its QR code proves who issued it
    for what fee."""
    lang = settings.get("language", "fa")
    service = intake.service
    name = service.name(lang) if callable(getattr(service, "name", None)) else (
        service.name_fa if lang == "fa" else service.name_en)
    return Receipt(
        office_name=office_name,
        service_name=name,
        fee_rials=int(intake.fee_rials),
        created_at=intake.created_at,
        tracking_code=intake.tracking_code,
        operator_name=intake.operator.full_name,
        lang=lang,
        width_dots=int(settings.get("printer.width_dots", 576)),
        void=intake.status == "cancelled", copy=copy,
        proof=receipts.proof_text(intake, sign) if sign else "")
