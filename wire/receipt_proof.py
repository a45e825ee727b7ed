"""A receipt that proves itself: the text of its QR code holds the tracking
code, the fee, the time and the issuing box's Ed25519 signature over them, so
anyone with the gateway's list of device keys checks a paper receipt offline.

    PE1.K7Q2MX04F7.2400000.1796134200.<signature, base32 without padding>

Only capitals, digits and "." are used: a QR code holds them in its compact
alphanumeric mode (about 140 characters, a version-7 code at level M). The
tracking code starts with the issuing box's device tag, which names the key
to check it with.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Callable

from cryptography.exceptions import InvalidSignature

from wire.device_tag import TAG_LENGTH
from wire.encoding import load_ed25519_public
from wire.errors import ProtocolError, SignatureError

PREFIX = "PE1"
SIGNATURE_SIZE = 64
_MAX_NUMBER_DIGITS = 15


@dataclass(frozen=True)
class ReceiptProof:
    tracking_code: str      # compact: no hyphens
    fee_rials: int
    issued_at: int          # Unix seconds
    signature: bytes

    @property
    def device_tag(self) -> str:
        return self.tracking_code[:TAG_LENGTH]

    def signed_part(self) -> bytes:
        return _signed_part(self.tracking_code, self.fee_rials, self.issued_at)


def _signed_part(tracking_code: str, fee_rials: int, issued_at: int) -> bytes:
    return f"{PREFIX}.{tracking_code}.{fee_rials}.{issued_at}".encode("ascii")


def make(sign: Callable[[bytes], bytes], tracking_code: str, fee_rials: int,
         issued_at: int) -> str:
    """The QR text of a receipt, signed with `sign` (the device key's sign)."""
    compact = tracking_code.replace("-", "").upper()
    signed = _signed_part(compact, fee_rials, issued_at)
    signature = base64.b32encode(sign(signed)).decode("ascii").rstrip("=")
    return f"{signed.decode('ascii')}.{signature}"


def read(text: str) -> ReceiptProof:
    """The proof in a QR text, or ProtocolError saying why it is not one."""
    parts = text.strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise ProtocolError("not a Pishkhan receipt code (it starts with PE1. and has 5 parts)")
    _, code, fee, issued_at, signature = parts
    if len(code) <= TAG_LENGTH or not (code.isascii() and code.isalnum()) or \
            code != code.upper():
        raise ProtocolError("the receipt code's tracking code is malformed")
    for number in (fee, issued_at):
        if not (number.isascii() and number.isdigit()) or len(number) > _MAX_NUMBER_DIGITS:
            raise ProtocolError("the receipt code's fee and time must be whole numbers")
    try:
        raw = base64.b32decode(signature + "=" * (-len(signature) % 8))
    except (binascii.Error, ValueError):
        raise ProtocolError("the receipt code's signature is not base32") from None
    if len(raw) != SIGNATURE_SIZE:
        raise ProtocolError("the receipt code's signature has the wrong length")
    return ReceiptProof(code, int(fee), int(issued_at), raw)


def verify(proof: ReceiptProof, public_key: bytes) -> None:
    """SignatureError unless the proof was signed by the key `public_key`."""
    try:
        load_ed25519_public(public_key).verify(proof.signature, proof.signed_part())
    except InvalidSignature:
        raise SignatureError("the receipt's signature does not match its issuer's key") from None
