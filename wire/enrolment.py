"""Enrolment on the wire: the box's request, signed by the device key it names
(proof that it holds the key), and the gateway's answer, signed by the centre
key the box then pins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from wire.encoding import b64, canonical, load_ed25519_public, load_x25519_public, public_bytes, unb64
from wire.errors import ProtocolError, SignatureError

_ENROLL_CONTEXT = b"pishkhan-edge/enroll/v1\x00"
ANSWER_SIGNATURE = "answer_signature"


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


def enroll_message(token: str, device_id: str, signing_key: bytes, exchange_key: bytes) -> bytes:
    """What the box signs when it enrols: proves it holds the signing key."""
    return (_ENROLL_CONTEXT + token.encode("utf-8") + b"\x00" + device_id.encode("utf-8")
            + b"\x00" + signing_key + exchange_key)


def enroll_request(token: str, device_id: str, signing_key: Ed25519PrivateKey,
                   exchange_key: X25519PrivateKey) -> dict[str, str]:
    signing = public_bytes(signing_key.public_key())
    exchange = public_bytes(exchange_key.public_key())
    signature = signing_key.sign(enroll_message(token, device_id, signing, exchange))
    return {"token": token, "device": device_id, "signing_key": b64(signing),
            "exchange_key": b64(exchange), "signature": b64(signature)}


def verify_enroll(signature: bytes, token: str, device_id: str, signing_key: bytes,
                  exchange_key: bytes) -> None:
    key = load_ed25519_public(signing_key)
    try:
        key.verify(signature, enroll_message(token, device_id, signing_key, exchange_key))
    except InvalidSignature:
        raise SignatureError("enrolment request is not signed by the device key it names") from None


def sign_answer(centre_key: Ed25519PrivateKey, answer: dict[str, Any]) -> dict[str, Any]:
    """The gateway's answer with its signature over the canonical rest."""
    return {**answer, ANSWER_SIGNATURE: b64(centre_key.sign(canonical(answer)))}


def read_answer(answer: Any, device_id: str) -> Enrolment:
    """The pinned keys; the answer must be signed by the centre key it names."""
    if not isinstance(answer, dict):
        raise ProtocolError("enrolment answer is not an object")
    signature = unb64(answer.get(ANSWER_SIGNATURE), ANSWER_SIGNATURE)
    unsigned = {key: value for key, value in answer.items() if key != ANSWER_SIGNATURE}
    centre = unb64(answer.get("centre_key"), "centre_key")
    exchange = unb64(answer.get("exchange_key"), "exchange_key")
    load_x25519_public(exchange)
    try:
        load_ed25519_public(centre).verify(signature, canonical(unsigned))
    except (InvalidSignature, ProtocolError, TypeError, ValueError):
        raise SignatureError("enrolment answer is not signed by the gateway's key") from None
    if answer.get("device") != device_id:
        raise ProtocolError("enrolment answer names another device")
    time_ms = answer.get("time_ms")
    return Enrolment(device_id, str(answer.get("tag", "")), str(answer.get("office", "")),
                     str(answer.get("office_name", "")), centre, exchange,
                     time_ms if isinstance(time_ms, int) else 0)
