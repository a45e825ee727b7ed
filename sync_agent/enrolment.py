"""Building the enrolment request and checking the gateway's answer. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync_agent import protocol


@dataclass(frozen=True)
class Enrolment:
    """What the box pins after enrolment."""
    device_id: str
    tag: str
    office: str
    office_name: str
    centre_key: bytes       # Ed25519: verifies bundles
    exchange_key: bytes     # X25519: every record is sealed to it
    gateway_ms: int


def enroll_request(token: str, device_id: str, signing_key: Ed25519PrivateKey,
                   exchange_key: X25519PrivateKey) -> dict[str, str]:
    signing = protocol.public_bytes(signing_key.public_key())
    exchange = protocol.public_bytes(exchange_key.public_key())
    signature = signing_key.sign(protocol.enroll_message(token, device_id, signing, exchange))
    return {"token": token, "device": device_id, "signing_key": protocol.b64(signing),
            "exchange_key": protocol.b64(exchange), "signature": protocol.b64(signature)}


def read_answer(answer: Any, device_id: str) -> Enrolment:
    """The pinned keys; the answer must be signed by the centre key it names."""
    if not isinstance(answer, dict):
        raise protocol.ProtocolError("enrolment answer is not an object")
    signature = protocol.unb64(answer.get("answer_signature"), "answer_signature")
    unsigned = {key: value for key, value in answer.items() if key != "answer_signature"}
    centre = protocol.unb64(answer.get("centre_key"), "centre_key")
    exchange = protocol.unb64(answer.get("exchange_key"), "exchange_key")
    protocol.load_x25519_public(exchange)
    try:
        protocol.load_ed25519_public(centre).verify(signature, protocol.canonical(unsigned))
    except Exception:
        raise protocol.SignatureError("enrolment answer is not signed by the gateway's key") from None
    if answer.get("device") != device_id:
        raise protocol.ProtocolError("enrolment answer names another device")
    time_ms = answer.get("time_ms")
    return Enrolment(device_id, str(answer.get("tag", "")), str(answer.get("office", "")),
                     str(answer.get("office_name", "")), centre, exchange,
                     time_ms if isinstance(time_ms, int) else 0)
