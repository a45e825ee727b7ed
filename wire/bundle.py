"""The downlink bundle: a JSON document signed by the centre's Ed25519 key over
its canonical encoding (sorted keys, no spaces, UTF-8), and the box's
authenticated request for it."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wire.ack import ACK_TAG_SIZE
from wire.encoding import b64, canonical, encode_uvarint, unb64
from wire.errors import ProtocolError, SignatureError

# The states of an office's licence a bundle may state (the box's store checks the same set).
LICENCE_STATES = ("active", "suspended", "revoked", "expired")

_BUNDLE_CONTEXT = b"pishkhan-edge/bundle/v1\x00"
_BUNDLE_REQUEST_CONTEXT = b"pishkhan-edge/bundle-request/v1\x00"


def sign_bundle(centre_key: Ed25519PrivateKey, bundle: dict) -> dict:
    """The signed envelope the gateway serves: {"bundle": {...}, "signature": b64}."""
    return {"bundle": bundle, "signature": b64(centre_key.sign(_BUNDLE_CONTEXT + canonical(bundle)))}


BUNDLE_FIELDS = ("version", "issued_at", "expires_at", "office", "services", "tariffs", "suppliers")


def verify_bundle(envelope: Any, centre_key: Ed25519PublicKey) -> dict:
    """The bundle inside a signed envelope, or ProtocolError/SignatureError."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("bundle"), dict):
        raise ProtocolError("bundle envelope malformed")
    bundle = envelope["bundle"]
    signature = unb64(envelope.get("signature"), "bundle signature")
    try:
        encoded = canonical(bundle)
    except (TypeError, ValueError):
        raise ProtocolError("bundle is not plain JSON") from None
    try:
        centre_key.verify(signature, _BUNDLE_CONTEXT + encoded)
    except InvalidSignature:
        raise SignatureError("bundle signature does not verify with the centre's key") from None
    missing = [name for name in BUNDLE_FIELDS if name not in bundle]
    if missing:
        raise ProtocolError("bundle lacks " + ", ".join(missing))
    if not isinstance(bundle["version"], int) or isinstance(bundle["version"], bool) \
            or bundle["version"] < 1:
        raise ProtocolError("bundle version must be a positive whole number")
    return bundle


def bundle_digest(bundle: dict) -> str:
    return hashlib.sha256(canonical(bundle)).hexdigest()


def bundle_request_tag(key: bytes, device_id: str, have: int) -> str:
    """Authenticates a device's bundle request (22 characters): only the
    enrolled box, which shares `key` with the gateway, can read its office's bundle."""
    message = _BUNDLE_REQUEST_CONTEXT + device_id.encode("utf-8") + b"\x00" + encode_uvarint(have)
    tag = hmac.new(key, message, hashlib.sha256).digest()[:ACK_TAG_SIZE]
    return base64.urlsafe_b64encode(tag).decode("ascii").rstrip("=")


def check_bundle_request(key: bytes, device_id: str, have: int, tag: str) -> None:
    if not hmac.compare_digest(bundle_request_tag(key, device_id, have), str(tag)):
        raise SignatureError("bundle request is not from this device")
