"""The proof an intake's receipt carries in its QR code (wire.receipt_proof):
one text, made the same way for the printed receipt and the browser's, so
either verifies at the centre (`edge-gateway verify-receipt`)."""

from __future__ import annotations

from typing import Any, Callable

from wire import receipt_proof


def proof_text(intake: Any, sign: Callable[[bytes], bytes]) -> str:
    """The QR text of `intake`'s receipt, signed with `sign` (the box's device
    key): its tracking code, fee and time. Ed25519 signs deterministically, so
    every receipt of one intake carries the same text."""
    return receipt_proof.make(sign, intake.tracking_code, int(intake.fee_rials),
                              int(intake.created_at.timestamp()))
