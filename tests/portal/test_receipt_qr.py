"""The browser receipt carries the same signed QR code as the printed one:
read back from the page's pixels in a real browser, it is the printed
receipt's text and verifies against the box's key."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from hardware.printer.receipt import receipt_for_intake
from tests.portal.conftest import PHONE, Tab, logged_in, make_intake
from wire import receipt_proof


@pytest.mark.parametrize("viewport", [None, PHONE])
def test_the_browser_receipt_shows_the_printed_receipts_signed_code(browser, portal, viewport):
    code = make_intake(logged_in(portal, "operator"))
    intake = portal.box.intakes.get(code)
    printed = receipt_for_intake(intake, portal.box.settings, portal.box.office().name,
                                 sign=portal.box.keys.signing_key.sign).proof
    tab = Tab(browser, portal, **({"viewport": viewport} if viewport else {}))
    tab.login("operator")
    page = tab.go(f"/intakes/{code}/receipt")
    picture = page.locator("#receipt-qr svg").screenshot()
    tab.close()
    [scanned] = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)).convert("L"))
    assert scanned.text == printed
    proof = receipt_proof.read(scanned.text)
    receipt_proof.verify(proof, portal.box.keys.signing_public)   # raises when forged
    assert (proof.tracking_code, proof.fee_rials) == (code.replace("-", ""), intake.fee_rials)
