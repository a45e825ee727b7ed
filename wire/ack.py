"""The gateway's answer to a batch: the highest contiguous sequence it holds,
its time and its latest bundle version. The box compacts its outbox on it,
so it must not be forgeable: a 16-byte HMAC tag (instead of a 64-byte
signature) keyed by the X25519 secret box and gateway share.

    ack = VERSION(1) | held_seq varint | gateway_ms varint | bundle_version varint
          | [pulled_seq varint] | tag(16): HMAC-SHA256 over the batch's SHA-256 and the rest

`pulled_seq` (optional, appended last so older boxes and gateways still
agree): the central system has pulled this box's records up to it, so the box
may drop the acknowledged records it keeps until then. New optional fields go
after it, never before.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from wire.encoding import VERSION, decode_uvarint, encode_uvarint, load_x25519_public
from wire.errors import ProtocolError, SignatureError

ACK_TAG_SIZE = 16

_ACK_CONTEXT = b"pishkhan-edge/ack/v1\x00"


@dataclass(frozen=True)
class Ack:
    held_seq: int
    gateway_ms: int
    bundle_version: int
    pulled_seq: int | None = None     # None: a gateway that does not say
    signed: bytes = b""
    signature: bytes = b""


def _ack_message(batch: bytes, unsigned: bytes) -> bytes:
    # Bound to the batch it answers, so an answer cannot be replayed for another.
    return _ACK_CONTEXT + hashlib.sha256(batch).digest() + unsigned


def ack_key(own: X25519PrivateKey, peer_public: bytes) -> bytes:
    """The key box and gateway share (X25519 of their exchange keys, then HKDF)
    to authenticate acks: 16 bytes of tag instead of a 64-byte signature."""
    shared = own.exchange(load_x25519_public(peer_public))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"pishkhan-edge/ack-key/v1").derive(shared)


def encode_ack(key: bytes, batch: bytes, held_seq: int, gateway_ms: int,
               bundle_version: int, pulled_seq: int | None = None) -> bytes:
    """The gateway's authenticated answer: the box compacts on it, so it must not be forgeable."""
    unsigned = (bytes([VERSION]) + encode_uvarint(held_seq) + encode_uvarint(gateway_ms)
                + encode_uvarint(bundle_version))
    if pulled_seq is not None:
        unsigned += encode_uvarint(pulled_seq)
    return unsigned + _ack_tag(key, batch, unsigned)


def _ack_tag(key: bytes, batch: bytes, unsigned: bytes) -> bytes:
    return hmac.new(key, _ack_message(batch, unsigned), hashlib.sha256).digest()[:ACK_TAG_SIZE]


def decode_ack(data: bytes) -> Ack:
    data = bytes(data)
    if len(data) < 1 + ACK_TAG_SIZE or data[0] != VERSION:
        raise ProtocolError("not an acknowledgement")
    unsigned, tag = data[:-ACK_TAG_SIZE], data[-ACK_TAG_SIZE:]
    held, offset = decode_uvarint(unsigned, 1)
    gateway_ms, offset = decode_uvarint(unsigned, offset)
    bundle_version, offset = decode_uvarint(unsigned, offset)
    pulled = None
    if offset < len(unsigned):
        pulled, offset = decode_uvarint(unsigned, offset)
    if offset != len(unsigned):
        raise ProtocolError("acknowledgement has trailing bytes")
    return Ack(held, gateway_ms, bundle_version, pulled, unsigned, tag)


def verify_ack(ack: Ack, key: bytes, batch: bytes) -> None:
    if not hmac.compare_digest(ack.signature, _ack_tag(key, batch, ack.signed)):
        raise SignatureError("acknowledgement is not the gateway's answer to this batch")
