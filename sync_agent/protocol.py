"""The sync wire format shared by the box and the gateway. Pure: no I/O.

A record is the box's outbox event. It is compressed (raw deflate with a
preset dictionary, since a single intake is too small to compress well on
its own) and sealed with HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305) to
the gateway's X25519 key. The HPKE `info` binds the device, the sequence
number and the recipient key id, so a sealed body cannot be moved to
another device, another place in the sequence or another gateway key.

A batch is a run of consecutive records from one device, length-prefixed
binary (no JSON on the wire: every byte costs money on GSM), signed once by
the device's Ed25519 key. The gateway keeps the signed batch as evidence.

    batch  = VERSION(1) | device kind(1) | len varint | device (hex id as bytes, else
             UTF-8) | sent_ms varint
             | first_seq varint | count varint | (len varint | body) * count
             | signature(64)
    ack    = VERSION(1) | held_seq varint | gateway_ms varint | bundle_version varint
             | tag(16): HMAC-SHA256 over the batch's SHA-256 and the rest, keyed by
               X25519(box exchange key, gateway exchange key)

A bundle (downlink) is a JSON document signed by the centre's Ed25519 key
over its canonical encoding (sorted keys, no spaces, UTF-8).

Every decoder turns any bytes into a value or a ProtocolError, never another
exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 1
SIGNATURE_SIZE = 64
ACK_TAG_SIZE = 16
MAX_BATCH_RECORDS = 10_000
MAX_RECORD_BYTES = 1 << 20
MAX_DEVICE_ID = 128
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
_BATCH_CONTEXT = b"pishkhan-edge/batch/v1\x00"
_BUNDLE_CONTEXT = b"pishkhan-edge/bundle/v1\x00"
_ENROLL_CONTEXT = b"pishkhan-edge/enroll/v1\x00"
_ACK_CONTEXT = b"pishkhan-edge/ack/v1\x00"
_BUNDLE_REQUEST_CONTEXT = b"pishkhan-edge/bundle-request/v1\x00"


class ProtocolError(ValueError):
    """Bytes that are not a valid message; the text says what is wrong."""


class SealError(ProtocolError):
    """A sealed record that cannot be opened with this key and binding."""


class SignatureError(ProtocolError):
    """A signature that does not verify."""


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


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, what: str = "value") -> bytes:
    if not isinstance(text, str):
        raise ProtocolError(f"{what}: base64 text expected")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ProtocolError(f"{what}: not valid base64") from None


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


# ---------------------------------------------------------------- records

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


# ---------------------------------------------------------------- batches

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


def verify_batch(batch: Batch, device_key: Ed25519PublicKey) -> None:
    try:
        device_key.verify(batch.signature, _BATCH_CONTEXT + batch.signed[:-SIGNATURE_SIZE])
    except InvalidSignature:
        raise SignatureError("batch signature does not verify for this device") from None


# ---------------------------------------------------------------- acks

@dataclass(frozen=True)
class Ack:
    held_seq: int
    gateway_ms: int
    bundle_version: int
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
               bundle_version: int) -> bytes:
    """The gateway's authenticated answer: the box compacts on it, so it must not be forgeable."""
    unsigned = (bytes([VERSION]) + encode_uvarint(held_seq) + encode_uvarint(gateway_ms)
                + encode_uvarint(bundle_version))
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
    if offset != len(unsigned):
        raise ProtocolError("acknowledgement has trailing bytes")
    return Ack(held, gateway_ms, bundle_version, unsigned, tag)


def verify_ack(ack: Ack, key: bytes, batch: bytes) -> None:
    if not hmac.compare_digest(ack.signature, _ack_tag(key, batch, ack.signed)):
        raise SignatureError("acknowledgement is not the gateway's answer to this batch")


def bundle_request_tag(key: bytes, device_id: str, have: int) -> str:
    """Authenticates a device's bundle request (22 characters): only the
    enrolled box, which shares `key` with the gateway, can read its office's bundle."""
    message = _BUNDLE_REQUEST_CONTEXT + device_id.encode("utf-8") + b"\x00" + encode_uvarint(have)
    tag = hmac.new(key, message, hashlib.sha256).digest()[:ACK_TAG_SIZE]
    return base64.urlsafe_b64encode(tag).decode("ascii").rstrip("=")


def check_bundle_request(key: bytes, device_id: str, have: int, tag: str) -> None:
    if not hmac.compare_digest(bundle_request_tag(key, device_id, have), str(tag)):
        raise SignatureError("bundle request is not from this device")


# ---------------------------------------------------------------- enrolment

def enroll_message(token: str, device_id: str, signing_key: bytes, exchange_key: bytes) -> bytes:
    """What the box signs when it enrols: proves it holds the signing key."""
    return (_ENROLL_CONTEXT + token.encode("utf-8") + b"\x00" + device_id.encode("utf-8")
            + b"\x00" + signing_key + exchange_key)


def verify_enroll(signature: bytes, token: str, device_id: str, signing_key: bytes,
                  exchange_key: bytes) -> None:
    key = load_ed25519_public(signing_key)
    try:
        key.verify(signature, enroll_message(token, device_id, signing_key, exchange_key))
    except InvalidSignature:
        raise SignatureError("enrolment request is not signed by the device key it names") from None


# ---------------------------------------------------------------- bundles

def canonical(document: Any) -> bytes:
    """One byte string per document: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      allow_nan=False).encode("utf-8")


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


def batch_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plaintext_digest(plaintexts: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for plaintext in plaintexts:
        digest.update(plaintext)
    return digest.hexdigest()
