"""One outbox event: its canonical plaintext, compression and HPKE seal.

A record is compressed (raw deflate with a preset dictionary, since a single
intake is too small to compress well on its own) and sealed with HPKE
(X25519, HKDF-SHA256, ChaCha20-Poly1305) to the gateway's X25519 key. The
HPKE `info` binds the device, the sequence number and the recipient key id,
so a sealed body cannot be moved to another device, another place in the
sequence or another gateway key.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from wire.encoding import canonical, encode_uvarint, key_id, public_bytes
from wire.errors import ProtocolError, SealError

MAX_PLAINTEXT = 4 << 20
SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.CHACHA20_POLY1305)
SEALING_HPKE = "hpke-x25519-v1"
SEALING_PLAIN = "plain"

# Plaintext codecs: the first byte of a compressed record says which.
CODEC_RAW = 0
CODEC_DEFLATE_DICT1 = 1

# The preset dictionary: what the box's events have in common (the lead's
# canonical JSON: sorted keys, no spaces). It is part of the wire format:
# never change it, add a CODEC_DEFLATE_DICT2 instead. Deflate finds matches
# best near the end of the dictionary, so the most common strings come last.
ZDICT_V1 = (
    # Rarer events first.
    '"complaint.created","rating.created","suggestion.created","catalogue.installed",'
    '"SMART-ID","DRIVING-RENEW","HEALTH-INS","SANA-REG","SOCIAL-RECORD","BILL-PAY",'
    '"bill_id":"","payment_id":"","insurance_number":"","licence_number":"","request_kind":"'
    # Persian given and family names (UTF-8) that recur in the full_name field.
    'محمد رضا علی حسین مهدی امیر حسن ابوالفضل سید فاطمه زهرا مریم معصومه زینب سمیه '
    'نرگس الهام ' 'احمدی محمدی حسینی رضایی کریمی موسوی جعفری قاسمی هاشمی رحیمی صادقی '
    'نوری ' 'زاده پور ی '
    '{"hlc":1,"payload":{"by":"operator","from":"received","reason":"","to":"in_progress",'
    '"tracking_code":""},"seq":1,"type":"intake.status_changed"}'
    '"from":"in_progress","reason":"","to":"done","cancelled",'
    # The commonest event last, where deflate reaches it most cheaply.
    '{"hlc":117711534009483264,"payload":{"created_at":"2026-12-01T08:00:00.000000Z",'
    '"fee_rials":780000,"fields":{"postcode":"","weight_grams":""},"full_name":"",'
    '"location":"","mobile":"+98912","national_code":"00","operator":"operator",'
    '"payment":{"method":"cash","reference":""},"service_code":"POST-PARCEL",'
    '"tariff_version":"bundle-1","tracking_code":""},"seq":1,"type":"intake.created"}'
)
ZDICT_V1 = "".join(ZDICT_V1).encode("utf-8")

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
        wall_ms = self.hlc >> 16
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


def compress(plaintext: bytes) -> bytes:
    """Raw deflate with the preset dictionary, unless that would not be smaller."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT_V1)
    packed = compressor.compress(plaintext) + compressor.flush()
    if len(packed) < len(plaintext):
        return bytes([CODEC_DEFLATE_DICT1]) + packed
    return bytes([CODEC_RAW]) + plaintext


def decompress(data: bytes) -> bytes:
    if not data:
        raise ProtocolError("empty record")
    codec, body = data[0], data[1:]
    if codec == CODEC_RAW:
        return body
    if codec != CODEC_DEFLATE_DICT1:
        raise ProtocolError(f"unknown record codec {codec}")
    try:
        inflater = zlib.decompressobj(-15, zdict=ZDICT_V1)
        raw = inflater.decompress(body, MAX_PLAINTEXT)
    except zlib.error:
        raise ProtocolError("record does not decompress") from None
    if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
        raise ProtocolError("record does not decompress to one whole document")
    return raw


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
