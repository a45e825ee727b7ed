"""A protocol-level device for gateway tests: keys, sealed records, batches."""

from __future__ import annotations

import secrets
import zlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from wire.batch import encode_batch
from wire.compression import CODEC_DEFLATE_DICT1, ZDICT_V1
from wire.encoding import load_x25519_public, public_bytes
from wire.enrolment import Enrolment, enroll_request, read_answer
from wire.records import SUITE, encode_event, record_info, seal


class SimDevice:
    def __init__(self, device_id: str | None = None):
        self.device_id = device_id or secrets.token_hex(8)
        self.signing = Ed25519PrivateKey.generate()
        self.exchange = X25519PrivateKey.generate()
        self.pinned: Enrolment | None = None

    def enroll_request(self, token: str) -> dict:
        return enroll_request(token, self.device_id, self.signing, self.exchange)

    def pin(self, answer: dict) -> None:
        self.pinned = read_answer(answer, self.device_id)

    def record(self, seq: int, payload: dict | None = None, event_type: str = "intake.created") -> bytes:
        payload = payload if payload is not None else {"tracking_code": f"T-{self.device_id}-{seq}"}
        plaintext = encode_event(seq, event_type, seq << 16, payload)
        recipient = load_x25519_public(self.pinned.exchange_key)
        return seal(plaintext, recipient, self.device_id, seq)

    def batch(self, first_seq: int, bodies: list[bytes], signer=None) -> bytes:
        return encode_batch(signer or self.signing, self.device_id, 1, first_seq, bodies)

    def batch_of(self, first: int, last: int) -> bytes:
        return self.batch(first, [self.record(seq) for seq in range(first, last + 1)])


def codec1(plaintext: bytes) -> bytes:
    """A plaintext compressed as boxes did before codec 2 (the first dictionary)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT_V1)
    return bytes([CODEC_DEFLATE_DICT1]) + deflate.compress(plaintext) + deflate.flush()


def seal_before_upgrade(plaintext: bytes, recipient, device_id: str, seq: int) -> bytes:
    """A record sealed as a box sealed it before codec 2: same HPKE, codec 1 inside."""
    info = record_info(device_id, seq, public_bytes(recipient))
    return SUITE.encrypt(codec1(plaintext), recipient, info=info)
