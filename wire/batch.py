"""A batch: a run of consecutive sealed records from one device, authenticated
once. Length-prefixed binary (no JSON on the wire: every byte costs money on
GSM). The gateway keeps each batch it stores as evidence. Two forms:

    signed = 1 | device kind(1) | len varint | device (hex id as bytes, else UTF-8)
             | records | Ed25519 signature(64) by the device key
    tagged = 2 | device tag(4: its 30 bits) | records
             | tag(16): HMAC-SHA256 with the key box and gateway share (wire.ack.ack_key)
    records = sent_ms varint | first_seq varint | count varint | (len varint | body) * count

Which form where, and why. Over the link the box sends tagged batches: the
gateway is the only one that checks a live batch, and it holds the shared
key, so 16 bytes of tag do what 64 bytes of signature did, and the 4-byte
device tag (unique per gateway, checked at enrolment) names the device in
place of its 18-byte id; on a busy office day that is ~16 KB of the 90 KB
budget. What a tag cannot give is non-repudiation: the gateway holds the
key too, so a tagged batch proves its sender to the gateway and to whoever
trusts the gateway, not to a third party. Where that matters the device's
signature stays: a batch file carried by hand on a USB stick (`edge
export-outbox`) passes through other people and is signed; and what a
citizen holds, the receipt's QR code (wire.receipt_proof), is signed by the
device key on its own. The gateway takes both forms from every device, so a
box not yet upgraded keeps sending signed batches.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wire.device_tag import TAG_LENGTH, base32, tag_number
from wire.encoding import VERSION, decode_uvarint, encode_uvarint
from wire.errors import ProtocolError, SignatureError

SIGNED, TAGGED = VERSION, 2         # the first byte: which form
SIGNATURE_SIZE = 64
TAG_SIZE = 16
DEVICE_TAG_BYTES = 4
MAX_BATCH_RECORDS = 10_000
MAX_RECORD_BYTES = 1 << 20
MAX_DEVICE_ID = 128

_BATCH_CONTEXT = b"pishkhan-edge/batch/v1\x00"
_TAGGED_CONTEXT = b"pishkhan-edge/batch-tag/v1\x00"


@dataclass(frozen=True)
class Batch:
    device_id: str         # a signed batch names its device by id...
    device_tag: str        # ...a tagged one by its tag; the other is ""
    sent_ms: int
    first_seq: int
    bodies: tuple[bytes, ...]
    signed: bytes          # the whole message, as authenticated: kept as evidence
    signature: bytes       # the Ed25519 signature or the HMAC tag

    @property
    def last_seq(self) -> int:
        return self.first_seq + len(self.bodies) - 1

    @property
    def tagged(self) -> bool:
        return bool(self.device_tag)


def _records_part(sent_ms: int, first_seq: int, bodies: Sequence[bytes]) -> bytes:
    if first_seq < 1 or not bodies or len(bodies) > MAX_BATCH_RECORDS:
        raise ValueError("a batch holds 1 to 10000 records from sequence 1 on")
    parts = [encode_uvarint(sent_ms), encode_uvarint(first_seq), encode_uvarint(len(bodies))]
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


def _decode_device_tag(data: bytes, offset: int) -> tuple[str, int]:
    number = int.from_bytes(data[offset:offset + DEVICE_TAG_BYTES], "big")
    if offset + DEVICE_TAG_BYTES > len(data) or number >> (5 * TAG_LENGTH):
        raise ProtocolError("batch device tag malformed")
    return base32(number, TAG_LENGTH), offset + DEVICE_TAG_BYTES


def encode_batch(signing_key: Ed25519PrivateKey, device_id: str, sent_ms: int,
                 first_seq: int, bodies: Sequence[bytes]) -> bytes:
    """A signed batch: for a file carried by hand, and what older boxes send."""
    unsigned = (bytes([SIGNED]) + _encode_device(device_id)
                + _records_part(sent_ms, first_seq, bodies))
    return unsigned + signing_key.sign(_BATCH_CONTEXT + unsigned)


def encode_tagged_batch(key: bytes, device_tag: str, sent_ms: int, first_seq: int,
                        bodies: Sequence[bytes]) -> bytes:
    """A tagged batch, for the link: `key` is the one box and gateway share."""
    untagged = (bytes([TAGGED]) + tag_number(device_tag).to_bytes(DEVICE_TAG_BYTES, "big")
                + _records_part(sent_ms, first_seq, bodies))
    return untagged + _batch_tag(key, untagged)


def _batch_tag(key: bytes, untagged: bytes) -> bytes:
    return hmac.new(key, _TAGGED_CONTEXT + untagged, hashlib.sha256).digest()[:TAG_SIZE]


def decode_batch(data: bytes) -> Batch:
    """Parse a batch of either form; it is authenticated separately
    (verify_batch, verify_batch_tag)."""
    data = bytes(data)
    if not data:
        raise ProtocolError("batch too short")
    if data[0] == SIGNED:
        size = SIGNATURE_SIZE
    elif data[0] == TAGGED:
        size = TAG_SIZE
    else:
        raise ProtocolError(f"batch format version {data[0]} not understood")
    if len(data) < 1 + size:
        raise ProtocolError("batch too short")
    unsigned, signature = data[:-size], data[-size:]
    device_id, device_tag = "", ""
    if data[0] == SIGNED:
        device_id, offset = _decode_device(unsigned, 1)
    else:
        device_tag, offset = _decode_device_tag(unsigned, 1)
    sent_ms, first_seq, bodies = _decode_records(unsigned, offset)
    return Batch(device_id, device_tag, sent_ms, first_seq, bodies, data, signature)


def _decode_records(unsigned: bytes, offset: int) -> tuple[int, int, tuple[bytes, ...]]:
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
    return sent_ms, first_seq, tuple(bodies)


def batch_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_batch(batch: Batch, device_key: Ed25519PublicKey) -> None:
    """A signed batch's signature, by the device key."""
    if batch.tagged:
        raise SignatureError("batch is tagged, not signed")
    try:
        device_key.verify(batch.signature, _BATCH_CONTEXT + batch.signed[:-SIGNATURE_SIZE])
    except InvalidSignature:
        raise SignatureError("batch signature does not verify for this device") from None


def verify_batch_tag(batch: Batch, key: bytes) -> None:
    """A tagged batch's tag, with the key the gateway shares with its device."""
    if not batch.tagged:
        raise SignatureError("batch is signed, not tagged")
    if not hmac.compare_digest(batch.signature, _batch_tag(key, batch.signed[:-TAG_SIZE])):
        raise SignatureError("batch tag does not verify for this device")
