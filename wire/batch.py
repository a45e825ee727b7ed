"""A batch: a run of consecutive sealed records from one device, signed once
by the device's Ed25519 key. Length-prefixed binary (no JSON on the wire:
every byte costs money on GSM). The gateway keeps the signed batch as evidence.

    batch = VERSION(1) | device kind(1) | len varint | device (hex id as bytes, else
            UTF-8) | sent_ms varint
            | first_seq varint | count varint | (len varint | body) * count
            | signature(64)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wire.encoding import VERSION, decode_uvarint, encode_uvarint
from wire.errors import ProtocolError, SignatureError

SIGNATURE_SIZE = 64
MAX_BATCH_RECORDS = 10_000
MAX_RECORD_BYTES = 1 << 20
MAX_DEVICE_ID = 128

_BATCH_CONTEXT = b"pishkhan-edge/batch/v1\x00"


@dataclass(frozen=True)
class Batch:
    device_id: str
    sent_ms: int
    first_seq: int
    bodies: tuple[bytes, ...]
    signed: bytes          # the whole message, as signed: kept as evidence
    signature: bytes

    @property
    def last_seq(self) -> int:
        return self.first_seq + len(self.bodies) - 1


def _batch_unsigned(device_id: str, sent_ms: int, first_seq: int, bodies: Sequence[bytes]) -> bytes:
    device = _encode_device(device_id)
    if first_seq < 1 or not bodies or len(bodies) > MAX_BATCH_RECORDS:
        raise ValueError("a batch holds 1 to 10000 records from sequence 1 on")
    parts = [bytes([VERSION]), device, encode_uvarint(sent_ms),
             encode_uvarint(first_seq), encode_uvarint(len(bodies))]
    for body in bodies:
        parts += [encode_uvarint(len(body)), body]
    return b"".join(parts)


_HEX = frozenset("0123456789abcdef")
DEVICE_TEXT, DEVICE_HEX = 0, 1


def _encode_device(device_id: str) -> bytes:
    """A lowercase hex id (the box's) travels as its bytes: half the size."""
    if device_id and len(device_id) % 2 == 0 and set(device_id) <= _HEX:
        raw, kind = bytes.fromhex(device_id), DEVICE_HEX
    else:
        raw, kind = device_id.encode("utf-8"), DEVICE_TEXT
    if not 0 < len(raw) <= MAX_DEVICE_ID:
        raise ValueError("device id must be 1 to 128 bytes")
    return bytes([kind]) + encode_uvarint(len(raw)) + raw


def _decode_device(data: bytes, offset: int) -> tuple[str, int]:
    if offset >= len(data) or data[offset] not in (DEVICE_TEXT, DEVICE_HEX):
        raise ProtocolError("batch device id malformed")
    kind = data[offset]
    length, offset = decode_uvarint(data, offset + 1)
    if not 0 < length <= MAX_DEVICE_ID or offset + length > len(data):
        raise ProtocolError("batch device id malformed")
    raw = data[offset:offset + length]
    if kind == DEVICE_HEX:
        return raw.hex(), offset + length
    try:
        return raw.decode("utf-8"), offset + length
    except UnicodeDecodeError:
        raise ProtocolError("batch device id is not UTF-8") from None


def encode_batch(signing_key: Ed25519PrivateKey, device_id: str, sent_ms: int,
                 first_seq: int, bodies: Sequence[bytes]) -> bytes:
    unsigned = _batch_unsigned(device_id, sent_ms, first_seq, bodies)
    return unsigned + signing_key.sign(_BATCH_CONTEXT + unsigned)


def decode_batch(data: bytes) -> Batch:
    """Parse a batch; its signature is checked separately (verify_batch)."""
    data = bytes(data)
    if len(data) < 1 + SIGNATURE_SIZE:
        raise ProtocolError("batch too short")
    if data[0] != VERSION:
        raise ProtocolError(f"batch format version {data[0]} not understood")
    unsigned, signature = data[:-SIGNATURE_SIZE], data[-SIGNATURE_SIZE:]
    device_id, offset = _decode_device(unsigned, 1)
    sent_ms, offset = decode_uvarint(unsigned, offset)
    first_seq, offset = decode_uvarint(unsigned, offset)
    count, offset = decode_uvarint(unsigned, offset)
    if first_seq < 1:
        raise ProtocolError("batch sequence starts below 1")
    if not 0 < count <= MAX_BATCH_RECORDS:
        raise ProtocolError("batch holds no records or too many")
    bodies = []
    for _ in range(count):
        size, offset = decode_uvarint(unsigned, offset)
        if size > MAX_RECORD_BYTES or offset + size > len(unsigned):
            raise ProtocolError("batch record length runs past the end")
        bodies.append(unsigned[offset:offset + size])
        offset += size
    if offset != len(unsigned):
        raise ProtocolError("batch has bytes after its last record")
    return Batch(device_id, sent_ms, first_seq, tuple(bodies), data, signature)


def batch_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_batch(batch: Batch, device_key: Ed25519PublicKey) -> None:
    try:
        device_key.verify(batch.signature, _BATCH_CONTEXT + batch.signed[:-SIGNATURE_SIZE])
    except InvalidSignature:
        raise SignatureError("batch signature does not verify for this device") from None
