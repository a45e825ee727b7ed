"""The receipt's bytes decoded back into images and QR content."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import zxingcpp
from PIL import Image

from hardware.printer import raster
from hardware.printer.receipt import (Receipt, ReceiptError, encode, format_fee,
                                      jalali_date_time, receipt_lines, sample_receipt)
from hardware.printer.sim.device import PrinterSimulator
from tests.printer.decoder import decode, ink_columns, ink_rows, stack
from tests.system import require

# 1 December 2026 14:10 UTC is 10 Azar 1405, 17:40 in Tehran (+03:30).
MOMENT = datetime(2026, 12, 1, 14, 10, tzinfo=timezone.utc)


def receipt(**changes) -> Receipt:
    fields = dict(office_name="دفتر پیشخوان روستای کندوان", service_name="تمدید گواهینامه",
                  fee_rials=2_400_000, created_at=MOMENT, tracking_code="K7Q2-MX04-F7",
                  operator_name="مریم احمدی", lang="fa", width_dots=576)
    fields.update(changes)
    return Receipt(**fields)


@pytest.fixture(autouse=True)
def _raqm():
    require(raster.has_raqm(), "Pillow with raqm layout (Debian package libraqm0)")


@pytest.mark.parametrize("width", [576, 384])
def test_receipt_decodes_to_full_width_images_and_the_qr_of_its_code(width):
    decoded = decode(encode(receipt(width_dots=width)))
    assert decoded.ops[0] == "init" and decoded.ops[-1] == "cut66"
    assert decoded.ops.count("qr") == 1
    assert decoded.qr_payloads == [b"K7Q2-MX04-F7"]
    assert decoded.qr_model == 50 and decoded.qr_error_level == 49
    assert {image.width for image in decoded.rasters} == {width}
    paper = stack(decoded.rasters)
    columns = ink_columns(paper)
    assert columns and columns[-1] < width and columns[0] >= 0
    assert len(ink_rows(paper)) > 100   # several lines of real text
    # Blank space goes as paper feeds: a receipt is ~10 s at 19200 baud, not 30.
    assert len(encode(receipt(width_dots=width))) < (20_000 if width == 576 else 14_000)
    assert any(op.startswith("feeddots") for op in decoded.ops)


def test_receipt_qr_scans_from_the_printed_preview(tmp_path):
    simulator = PrinterSimulator(tmp_path)
    assert simulator.feed(encode(receipt())) == b""
    [printed] = simulator.printed
    assert printed.png_path.exists() and (tmp_path / "latest.png").exists()
    assert printed.raw == encode(receipt())
    preview = Image.open(printed.png_path)
    assert preview.width == 576
    assert [r.text for r in zxingcpp.read_barcodes(preview.convert("L"))] == ["K7Q2-MX04-F7"]


def test_persian_lines_end_at_the_right_edge_and_english_at_the_left():
    def text_rows(lang):
        above, _ = receipt_lines(receipt(lang=lang))
        service_line = raster.render_lines([above[1]], 576)
        return ink_columns(service_line)

    fa, en = text_rows("fa"), text_rows("en")
    assert fa[-1] > 576 - 16 and fa[0] > 40      # flush right, ragged left
    assert en[0] < 16 and en[-1] < 576 - 40       # flush left, ragged right


def test_tracking_code_prints_large():
    above, _ = receipt_lines(receipt())
    body = raster.render_lines([above[1]], 576)
    code = raster.render_lines([above[-1]], 576)
    assert len(ink_rows(code)) > 1.5 * len(ink_rows(body))
    assert ink_columns(code)[0] > 40 and ink_columns(code)[-1] < 536   # centred


def test_fee_date_and_time_in_persian():
    assert format_fee(2_400_000, "fa") == "۲٬۴۰۰٬۰۰۰ ریال"
    assert format_fee(2_400_000, "en") == "2,400,000 rials"
    assert jalali_date_time(MOMENT, "fa") == ("۱۴۰۵/۰۹/۱۰", "۱۷:۴۰")
    assert jalali_date_time(MOMENT, "en") == ("1405/09/10", "17:40")
    above, below = receipt_lines(receipt())
    texts = [line.text for line in above + below]
    assert "مبلغ: ۲٬۴۰۰٬۰۰۰ ریال" in texts
    assert "تاریخ: ۱۴۰۵/۰۹/۱۰    ساعت: ۱۷:۴۰" in texts
    assert "K7Q2-MX04-F7" in texts and "متصدی: مریم احمدی" in texts
    assert "دفتر پیشخوان روستای کندوان" in texts and "خدمت: تمدید گواهینامه" in texts


def test_receipt_survives_json():
    original = receipt()
    assert Receipt.from_json(original.to_json()) == original


@pytest.mark.parametrize("changes", [
    {"created_at": datetime(2026, 12, 1, 14, 10)},
    {"width_dots": 500}, {"lang": "de"}, {"fee_rials": -1}, {"tracking_code": ""},
])
def test_bad_receipts_are_refused(changes):
    with pytest.raises(ReceiptError):
        receipt(**changes)


def test_long_service_names_wrap_inside_the_paper():
    long_name = "ثبت‌نام سامانهٔ ثنا (خدمات الکترونیک قضایی) برای اشخاص حقیقی و حقوقی"
    decoded = decode(encode(receipt(service_name=long_name, width_dots=384)))
    paper = stack(decoded.rasters)
    assert paper.width == 384
    columns = ink_columns(paper)
    assert columns[0] >= 4 and columns[-1] <= 380


def test_sample_receipt_prints_in_both_languages():
    for lang in ("fa", "en"):
        decoded = decode(encode(sample_receipt(576, lang, MOMENT)))
        assert decoded.qr_payloads == [b"TEST-PRNT-00"]


def test_a_void_copy_says_so_first_in_big_letters():
    above, _ = receipt_lines(receipt(void=True, copy=2))
    assert [line.text for line in above[:2]] == ["*** باطل شد ***", "المثنی ۲"]
    assert above[0].bold and above[0].size == max(line.size for line in above)
    english, _ = receipt_lines(receipt(lang="en", void=True, copy=1))
    assert [line.text for line in english[:2]] == ["*** VOID ***", "COPY 1"]
    original, _ = receipt_lines(receipt())
    assert original[0].text == "دفتر پیشخوان روستای کندوان"     # no mark on the original
    marked = stack(decode(encode(receipt(void=True, copy=2))).rasters)
    plain = stack(decode(encode(receipt())).rasters)
    assert len(ink_rows(marked)) > len(ink_rows(plain)) + 40   # two more lines of ink


def test_a_receipt_stored_before_the_marks_reads_as_an_original():
    stored = receipt().to_json().replace(', "void": false', "").replace('"copy": 0, ', "")
    assert "void" not in stored and "copy" not in stored
    assert Receipt.from_json(stored) == receipt()
