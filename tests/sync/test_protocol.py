"""The pure wire format: sealing, batches, acks, bundles; decoders on any bytes."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings, strategies as st

from wire.ack import ack_key, decode_ack, encode_ack, verify_ack
from wire.batch import decode_batch, encode_batch, encode_tagged_batch, verify_batch, verify_batch_tag
from wire.bundle import sign_bundle, verify_bundle
from wire.encoding import decode_uvarint, encode_uvarint, public_bytes
from wire.enrolment import enroll_message, verify_enroll
from wire.errors import ProtocolError, SealError, SignatureError
from wire.compression import (CODEC_DEFLATE_DICT1, CODEC_PACKED_DICT2, ZDICT_V1, ZDICT_V2, compress,
                               decompress, pack_digits, unpack_digits)
from wire.records import Event, decode_event, encode_event, open_sealed, seal
from tests.sync.devices import codec1

PAYLOAD = {"tracking_code": "K7Q2-MX04-F7", "service_code": "PASSPORT",
           "national_code": "0012345679", "full_name": "علی رضایی",
           "mobile": "+989121234567", "fields": {}, "fee_rials": 250000,
           "tariff_version": "2026-3", "payment": {"method": "cash", "reference": None},
           "operator": "operator", "created_at": "2026-12-01T08:00:00.000000Z",
           "location": None}
GATEWAY = X25519PrivateKey.generate()
DEVICE = Ed25519PrivateKey.generate()


def plaintext(payload=PAYLOAD, seq=5):
    return encode_event(seq, "intake.created", 99 << 16, payload)


def test_event_round_trip_and_dictionary_compresses_a_single_intake():
    text = plaintext(seq=7)
    event = decode_event(7, text)
    assert event == Event(7, "intake.created", 99 << 16, PAYLOAD)
    assert event.created_at == PAYLOAD["created_at"]
    packed = compress(text)
    assert packed[0] == CODEC_PACKED_DICT2
    assert decompress(packed) == text
    assert len(packed) < 0.4 * len(text)


def test_records_compressed_before_the_upgrade_still_decompress():
    """What a box wrote with the first dictionary (codec 1, made here as the
    box then made it) still reads."""
    text = plaintext(seq=9)
    old = codec1(text)
    assert old[0] == CODEC_DEFLATE_DICT1
    assert decompress(old) == text


def test_dictionaries_are_frozen():
    """Records sealed with a dictionary wait in outboxes across upgrades: a
    changed dictionary would make them unreadable. Add a codec instead."""
    assert hashlib.sha256(ZDICT_V1).hexdigest() == (
        "917c6b431038111cffa52b21234c2100f9084ca7f505e394ccd60335cd2722d8")
    assert hashlib.sha256(ZDICT_V2).hexdigest() == (
        "550c71655b3d4f87584c374472ded7a0b0c8dae82a77e81268443981b2e170b0")


def test_digit_runs_pack_two_to_a_byte():
    assert pack_digits(b'"mobile":"+989121234567"') == (
        b'"mobile":"+\xf5\x0c\x98\x91\x21\x23\x45\x67"')
    assert pack_digits(b"a123b12345") == b"a123b\xf5\x05\x12\x34\x5a"
    assert unpack_digits(pack_digits(b"7" * 600)) == b"7" * 600


@given(st.binary(max_size=300).filter(lambda data: b"\xf5" not in data))
def test_digit_packing_is_undone_exactly(data):
    assert unpack_digits(pack_digits(data)) == data


@given(st.binary(max_size=300))
def test_any_text_survives_compression(data):
    assert decompress(compress(data)) == data


@settings(max_examples=300)
@given(st.binary(max_size=60))
def test_unpacking_any_bytes_is_a_clean_error(data):
    try:
        unpack_digits(data)
    except ProtocolError:
        pass


def test_event_bound_to_another_seq_is_refused():
    with pytest.raises(ProtocolError, match="another sequence"):
        decode_event(8, plaintext(seq=7))


def test_plain_outbox_json_of_the_lead_decodes():
    from edge.outbox import canonical_json
    text = canonical_json({"type": "intake.created", "seq": 3, "hlc": 5, "payload": PAYLOAD})
    assert text == encode_event(3, "intake.created", 5, PAYLOAD)


def test_sealed_record_opens_only_with_its_binding():
    body = seal(plaintext(), GATEWAY.public_key(), "dev-1", 5)
    assert open_sealed(body, GATEWAY, "dev-1", 5) == plaintext()
    with pytest.raises(SealError):
        open_sealed(body, GATEWAY, "dev-1", 6)          # moved in the sequence
    with pytest.raises(SealError):
        open_sealed(body, GATEWAY, "dev-2", 5)          # moved to another device
    with pytest.raises(SealError):
        open_sealed(body, X25519PrivateKey.generate(), "dev-1", 5)   # another key
    flipped = bytearray(body)
    flipped[40] ^= 1
    with pytest.raises(SealError):
        open_sealed(bytes(flipped), GATEWAY, "dev-1", 5)


def test_batch_round_trip_and_signature():
    bodies = [seal(plaintext(), GATEWAY.public_key(), "dev-1", seq) for seq in (3, 4, 5)]
    wire = encode_batch(DEVICE, "dev-1", 1234, 3, bodies)
    batch = decode_batch(wire)
    assert (batch.device_id, batch.sent_ms, batch.first_seq, batch.last_seq) == ("dev-1", 1234, 3, 5)
    assert list(batch.bodies) == bodies
    verify_batch(batch, DEVICE.public_key())
    with pytest.raises(SignatureError):
        verify_batch(batch, Ed25519PrivateKey.generate().public_key())


def test_tagged_batch_round_trip_names_the_device_by_its_tag():
    key = bytes(range(32))
    bodies = [seal(plaintext(), GATEWAY.public_key(), "dev-1", seq) for seq in (3, 4)]
    wire = encode_tagged_batch(key, "K7Q2MX", 1234, 3, bodies)
    batch = decode_batch(wire)
    assert (batch.device_tag, batch.device_id, batch.sent_ms, batch.last_seq) == ("K7Q2MX", "", 1234, 4)
    assert list(batch.bodies) == bodies
    verify_batch_tag(batch, key)
    signed = encode_batch(DEVICE, "ab" * 16, 1234, 3, bodies)
    assert len(signed) - len(wire) == 14 + 48       # the device's id and the signature's size
    with pytest.raises(SignatureError):
        verify_batch_tag(batch, bytes(32))
    with pytest.raises(SignatureError, match="tagged, not signed"):
        verify_batch(batch, DEVICE.public_key())
    with pytest.raises(SignatureError, match="signed, not tagged"):
        verify_batch_tag(decode_batch(signed), key)
    for index in range(len(wire)):
        tampered = bytearray(wire)
        tampered[index] ^= 0x10
        with pytest.raises(ProtocolError):
            verify_batch_tag(decode_batch(bytes(tampered)), key)


def test_hex_device_ids_travel_as_bytes():
    body = seal(plaintext(), GATEWAY.public_key(), "ab" * 16, 1)
    hexed = encode_batch(DEVICE, "ab" * 16, 1, 1, [body])
    texted = encode_batch(DEVICE, "AB" * 16, 1, 1, [body])
    assert len(texted) - len(hexed) == 16
    assert decode_batch(hexed).device_id == "ab" * 16
    assert decode_batch(texted).device_id == "AB" * 16


def test_every_flipped_byte_of_a_batch_is_caught():
    body = seal(plaintext(), GATEWAY.public_key(), "d", 1)
    wire = encode_batch(DEVICE, "d", 1, 1, [body])
    for index in range(len(wire)):
        tampered = bytearray(wire)
        tampered[index] ^= 0x10
        with pytest.raises(ProtocolError):
            batch = decode_batch(bytes(tampered))
            verify_batch(batch, DEVICE.public_key())


def test_ack_is_signed_and_bound_to_its_batch():
    box_exchange = X25519PrivateKey.generate()
    gateway_side = ack_key(GATEWAY, public_bytes(box_exchange.public_key()))
    box_side = ack_key(box_exchange, public_bytes(GATEWAY.public_key()))
    assert gateway_side == box_side
    wire = encode_ack(gateway_side, b"batch", 12, 1_760_000_000_000, 3)
    ack = decode_ack(wire)
    assert (ack.held_seq, ack.gateway_ms, ack.bundle_version) == (12, 1_760_000_000_000, 3)
    verify_ack(ack, box_side, b"batch")
    with pytest.raises(SignatureError):
        verify_ack(ack, box_side, b"other batch")
    with pytest.raises(SignatureError):
        verify_ack(ack, ack_key(box_exchange, public_bytes(
            X25519PrivateKey.generate().public_key())), b"batch")
    for index in range(len(wire)):
        garbled = bytearray(wire)
        garbled[index] ^= 0x04
        with pytest.raises(ProtocolError):
            verify_ack(decode_ack(bytes(garbled)), box_side, b"batch")


def test_ack_tells_how_far_the_centre_pulled_only_when_the_gateway_says():
    key = ack_key(GATEWAY, public_bytes(X25519PrivateKey.generate().public_key()))
    older = decode_ack(encode_ack(key, b"batch", 12, 1_760_000_000_000, 3))
    newer = decode_ack(encode_ack(key, b"batch", 12, 1_760_000_000_000, 3, pulled_seq=9))
    assert older.pulled_seq is None and newer.pulled_seq == 9
    assert newer.signed.startswith(older.signed)        # appended after the older fields
    verify_ack(newer, key, b"batch")


@given(st.integers(min_value=0, max_value=(1 << 64) - 1))
def test_uvarint_round_trip(number):
    assert decode_uvarint(encode_uvarint(number), 0) == (number, len(encode_uvarint(number)))


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_decode_batch_on_any_bytes_is_a_clean_error(data):
    try:
        decode_batch(data)
    except ProtocolError:
        pass


@settings(max_examples=300)
@given(st.binary(max_size=60))
def test_decode_ack_on_any_bytes_is_a_clean_error(data):
    try:
        decode_ack(data)
    except ProtocolError:
        pass


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_decode_event_and_decompress_on_any_bytes_are_clean_errors(data):
    for decode in (lambda: decode_event(1, data), lambda: decompress(data)):
        try:
            decode()
        except ProtocolError:
            pass


@settings(max_examples=100)
@given(st.binary(max_size=200), st.integers(min_value=0, max_value=(1 << 63)))
def test_open_on_any_bytes_is_a_clean_error(data, seq):
    with pytest.raises(SealError):
        open_sealed(data, GATEWAY, "d", seq)


@settings(max_examples=100)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                    max_leaves=20))
def test_verify_bundle_on_any_json_is_a_clean_error(document):
    with pytest.raises(ProtocolError):
        verify_bundle({"bundle": {"x": document}, "signature": "AAAA"}, DEVICE.public_key())
    with pytest.raises(ProtocolError):
        verify_bundle(document, DEVICE.public_key())


def test_bundle_signature_covers_every_field():
    bundle = {"version": 2, "issued_at": "2026-12-01T08:00:00+00:00",
              "expires_at": "2027-01-01T00:00:00+00:00", "office": {"code": "A"},
              "services": [], "tariffs": [], "suppliers": []}
    envelope = sign_bundle(DEVICE, bundle)
    assert verify_bundle(envelope, DEVICE.public_key()) == bundle
    envelope["bundle"] = dict(bundle, version=3)
    with pytest.raises(SignatureError):
        verify_bundle(envelope, DEVICE.public_key())


def test_enrol_signature_proves_the_key():
    sign_pub = public_bytes(DEVICE.public_key())
    exch_pub = public_bytes(GATEWAY.public_key())
    signature = DEVICE.sign(enroll_message("tok", "dev", sign_pub, exch_pub))
    verify_enroll(signature, "tok", "dev", sign_pub, exch_pub)
    with pytest.raises(SignatureError):
        verify_enroll(signature, "other", "dev", sign_pub, exch_pub)


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    import random
    from edge.worker import Backoff
    backoff = Backoff(1.0, 60.0, random.Random(3))
    assert backoff.delay(0) == 0
    for failures in range(1, 12):
        ceiling = min(60.0, 2 ** (failures - 1))
        delays = [backoff.delay(failures) for _ in range(50)]
        assert all(0.5 <= d <= max(ceiling, 0.5) for d in delays)
        if ceiling >= 8:
            assert len(set(delays)) > 40          # jittered, not in lockstep
            assert max(delays) > ceiling / 2
