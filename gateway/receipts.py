"""Checking a paper receipt: the signed text of its QR code (wire.receipt_proof)
against the enrolled device its tracking code names."""

from __future__ import annotations

from datetime import datetime, timezone

from wire import receipt_proof
from wire.errors import SignatureError


def verify_receipt(gateway, text: str) -> dict:
    """{"valid", "reason", "tracking_code", "fee_rials", "issued_at", "device",
    "office", "office_name"}; ProtocolError when the text is no receipt code."""
    proof = receipt_proof.read(text)
    found = {"tracking_code": proof.tracking_code, "fee_rials": proof.fee_rials,
             "issued_at": datetime.fromtimestamp(proof.issued_at, timezone.utc).isoformat(),
             "device": None, "office": None, "office_name": None}
    device = gateway.models.Device.get_or_none(gateway.models.Device.tag == proof.device_tag)
    if device is None:
        return {**found, "valid": False,
                "reason": f"no enrolled box has the tag {proof.device_tag}"}
    found.update(device=device.device_id, office=device.office.code,
                 office_name=device.office.name)
    try:
        receipt_proof.verify(proof, bytes(device.signing_key))
    except SignatureError as error:
        return {**found, "valid": False, "reason": str(error)}
    return {**found, "valid": True, "reason": ""}
