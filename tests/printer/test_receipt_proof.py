"""A receipt that proves itself: the printed QR code, read back from the
printer's picture, verifies at the gateway against the box's enrolled key;
an altered fee or another key's signature is caught."""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from edge.intake import IntakeRequest
from gateway.service import init_home
from hardware.printer import raster
from hardware.printer.receipt import encode, receipt_for_intake
from hardware.printer.sim.device import PrinterSimulator
from tests.conftest import make_user
from tests.sync.conftest import gateway_command
from tests.system import require
from wire import receipt_proof
from wire.errors import ProtocolError, SignatureError


@pytest.fixture
def gateway_home(tmp_path, box):
    """A gateway that knows the box: its office and its enrolled keys."""
    home = tmp_path / "gateway"
    gateway = init_home(home, None)
    office = gateway.add_office("KHR-0042", "دفتر پیشخوان خیرآباد")
    gateway.models.Device.create(device_id=box.keys.device_id, tag=box.keys.tag, office=office,
                                 signing_key=box.keys.signing_public,
                                 exchange_key=box.keys.exchange_public, enrolled_ms=0)
    gateway.close()
    return home


def printed_qr_text(box, tmp_path) -> tuple[str, str]:
    """(tracking code, the QR text read back from the printed receipt's picture)."""
    require(raster.has_raqm(), "Pillow with raqm layout (Debian package libraqm0)")
    intake = box.intakes.create(IntakeRequest(
        service_code="DRIVING-RENEW", national_code="0013542419", full_name="زهرا احمدی",
        mobile="09121234567", fields={"licence_number": "123456"}),
        make_user(box, "ali", "operator"))
    receipt = receipt_for_intake(intake, box.settings, box.office().name,
                                 sign=box.keys.signing_key.sign)
    simulator = PrinterSimulator(tmp_path / "printer")
    simulator.feed(encode(receipt))
    [printed] = simulator.printed
    [scanned] = zxingcpp.read_barcodes(Image.open(printed.png_path).convert("L"))
    return intake.tracking_code, scanned.text


def verify(home, text: str) -> subprocess.CompletedProcess:
    return subprocess.run(gateway_command(home, "verify-receipt", text), capture_output=True,
                          text=True, timeout=60)


def test_a_printed_receipt_verifies_and_names_its_box_and_office(box, tmp_path, gateway_home):
    code, text = printed_qr_text(box, tmp_path)
    proof = receipt_proof.read(text)
    assert (proof.tracking_code, proof.fee_rials) == (code.replace("-", ""), 2_400_000)
    assert len(text) < 150 and set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")
    checked = verify(gateway_home, text)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"valid: receipt {code.replace('-', '')} for 2,400,000")
    assert box.keys.device_id in checked.stdout and "KHR-0042" in checked.stdout


def test_an_altered_fee_or_a_foreign_key_is_forged(box, tmp_path, gateway_home):
    code, text = printed_qr_text(box, tmp_path)
    cheaper = text.replace(".2400000.", ".240000.")
    altered = verify(gateway_home, cheaper)
    assert altered.returncode == 1 and altered.stderr.startswith("edge-gateway: forged:")
    assert "240,000 rials" in altered.stderr and altered.stdout == ""
    stranger = Ed25519PrivateKey.generate()
    proof = receipt_proof.read(text)
    foreign = receipt_proof.make(stranger.sign, code, proof.fee_rials, proof.issued_at)
    assert verify(gateway_home, foreign).returncode == 1
    with pytest.raises(SignatureError):
        receipt_proof.verify(receipt_proof.read(foreign), box.keys.signing_public)
    unknown_box = "PE1.ZZZZZZ" + foreign.split(".", 2)[1][6:] + "." + foreign.split(".", 2)[2]
    said = verify(gateway_home, unknown_box)
    assert said.returncode == 1 and "no enrolled box has the tag ZZZZZZ" in said.stderr
    nonsense = verify(gateway_home, "K7Q2-MX04-F7")
    assert nonsense.returncode == 1 and "not a Pishkhan receipt code" in nonsense.stderr
    assert "Traceback" not in nonsense.stderr


@pytest.mark.parametrize("text", ["", "PE1.A.1.2.AAAA", "PE1.K7Q2MX04F7.-5.1.AA",
                                  "PE1.K7Q2MX04F7.5.1.!!", "PE2.K7Q2MX04F7.5.1.AA"])
def test_what_is_no_receipt_code_is_said_so(text):
    with pytest.raises(ProtocolError):
        receipt_proof.read(text)
