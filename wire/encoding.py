"""The small encodings every message uses: varints, base64, canonical JSON, raw keys."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from wire.errors import ProtocolError

VERSION = 1     # the first byte of every binary message (ack, signed batch; wire.batch)


# ---------------------------------------------------------------- keys

def public_bytes(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_bytes(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def load_ed25519_public(raw: bytes) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ProtocolError("not an Ed25519 public key (32 bytes expected)") from None


def load_x25519_public(raw: bytes) -> X25519PublicKey:
    try:
        return X25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise ProtocolError("not an X25519 public key (32 bytes expected)") from None


def key_id(public_key: bytes) -> bytes:
    """8 bytes naming a recipient key; bound into every sealed record."""
    return hashlib.sha256(public_key).digest()[:8]


# ---------------------------------------------------------------- text

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, what: str = "value") -> bytes:
    if not isinstance(text, str):
        raise ProtocolError(f"{what}: base64 text expected")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ProtocolError(f"{what}: not valid base64") from None


def canonical(document: Any) -> bytes:
    """One byte string per document: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      allow_nan=False).encode("utf-8")


# ---------------------------------------------------------------- varints

def encode_uvarint(number: int) -> bytes:
    if number < 0:
        raise ValueError("uvarint must not be negative")
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_uvarint(data: bytes, offset: int) -> tuple[int, int]:
    """(value, new offset); at most 10 bytes (64 bits)."""
    result = 0
    for index in range(10):
        if offset + index >= len(data):
            raise ProtocolError("message ends inside a number")
        byte = data[offset + index]
        result |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if index and byte == 0:
                raise ProtocolError("number not in shortest form")
            if result >= 1 << 64:
                raise ProtocolError("number too large")
            return result, offset + index + 1
    raise ProtocolError("number too long")
