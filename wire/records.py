"""One outbox event: its canonical plaintext, compression and HPKE seal.

A record is compressed (wire.compression: a single intake is too small to
compress well on its own, so with a preset dictionary) and sealed with HPKE
(X25519, HKDF-SHA256, ChaCha20-Poly1305) to the gateway's X25519 key. The
HPKE `info` binds the device, the sequence number and the recipient key id,
so a sealed body cannot be moved to another device, another place in the
sequence or another gateway key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from wire.compression import compress, decompress
from wire.encoding import canonical, encode_uvarint, key_id, public_bytes
from wire.errors import ProtocolError, SealError

SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.CHACHA20_POLY1305)
SEALING_HPKE = "hpke-x25519-v1"
SEALING_PLAIN = "plain"

_INFO_PREFIX = b"pishkhan-edge/record/v1\x00"


@dataclass(frozen=True)
class Event:
    """What an outbox record says, opened."""
    seq: int
    type: str
    hlc: int
    payload: dict

    @property
    def created_at(self) -> str:
        """The box's wall time of the event: the payload's, else the clock's."""
        stated = self.payload.get("created_at")
        if isinstance(stated, str):
            return stated[:40]
        wall_ms = (self.hlc >> 16) & ((1 << 42) - 1)   # the era (edge.hlc) left out
        return f"hlc:{wall_ms}"


def encode_event(seq: int, event_type: str, hlc: int, payload: dict) -> bytes:
    """The box's canonical plaintext of one event (as edge.outbox writes it)."""
    return canonical({"type": event_type, "seq": seq, "hlc": hlc, "payload": payload})


def decode_event(seq: int, plaintext: bytes) -> Event:
    """The event in a plaintext; its own `seq` must be the one it is bound to."""
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError(f"record {seq} is not UTF-8 JSON") from None
    if not isinstance(document, dict):
        raise ProtocolError(f"record {seq} is not a JSON object")
    event_type, hlc, payload = document.get("type"), document.get("hlc"), document.get("payload")
    if document.get("seq") != seq:
        raise ProtocolError(f"record {seq} names another sequence number")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= 64:
        raise ProtocolError(f"record {seq} lacks its type")
    if not isinstance(hlc, int) or isinstance(hlc, bool) or not 0 <= hlc < 1 << 63:
        raise ProtocolError(f"record {seq} lacks its clock")
    if not isinstance(payload, dict):
        raise ProtocolError(f"record {seq} payload is not an object")
    return Event(seq, event_type, hlc, payload)


def record_info(device_id: str, seq: int, recipient_key: bytes) -> bytes:
    """The HPKE info: device, sequence and recipient key id, bound together."""
    device = device_id.encode("utf-8")
    return (_INFO_PREFIX + encode_uvarint(len(device)) + device + seq.to_bytes(8, "big")
            + key_id(recipient_key))


def seal(plaintext: bytes, recipient: X25519PublicKey, device_id: str, seq: int) -> bytes:
    """Compress, then seal to the gateway: the sealed body of one record."""
    info = record_info(device_id, seq, public_bytes(recipient))
    return SUITE.encrypt(compress(plaintext), recipient, info=info)


def open_sealed(body: bytes, recipient: X25519PrivateKey, device_id: str, seq: int) -> bytes:
    info = record_info(device_id, seq, public_bytes(recipient.public_key()))
    if len(body) < 32 + 16:
        raise SealError(f"record {seq} too short to be sealed")
    try:
        compressed = SUITE.decrypt(body, recipient, info=info)
    except (InvalidTag, ValueError):
        raise SealError(f"record {seq} does not open: tampered, misplaced or for another key") from None
    return decompress(compressed)
