"""Compressing one event's plaintext, which is too small (~450 bytes of
canonical JSON) to compress well on its own: raw deflate (zlib, standard
library) with a preset dictionary of what events have in common.

    compressed = codec(1) | body
    codec 0: the plaintext as it is (when nothing smaller was found)
    codec 1: deflate with ZDICT_V1 (what boxes wrote before codec 2)
    codec 2: deflate with ZDICT_V2 of the digit-packed plaintext

Codec 2 first packs every run of 4 or more ASCII digits (an intake holds ~100:
its clock, time, national code, mobile, payment reference) two to a byte
behind a marker byte 0xF5 and the run's length. Deflate's fixed code spends
8 bits on a digit; packed, a pair costs about that. 0xF5 never occurs in
UTF-8, so the packing is undone exactly; a plaintext that is not UTF-8 JSON
and holds 0xF5 falls back to codec 1.

A dictionary is part of the wire format, and records sealed with it wait in
outboxes across upgrades: never change one (tests pin their SHA-256), add a
codec with a new one instead, and keep reading the old.
"""

from __future__ import annotations

import re
import zlib

from wire.errors import ProtocolError

MAX_PLAINTEXT = 4 << 20

CODEC_RAW = 0
CODEC_DEFLATE_DICT1 = 1
CODEC_PACKED_DICT2 = 2

_DIGIT_RUN = re.compile(rb"[0-9]{4,255}")
_MARK = 0xF5          # a byte UTF-8 never uses
_PAD = 0xA            # the spare nibble of an odd-length run


def pack_digits(text: bytes) -> bytes:
    """Every run of 4 to 255 ASCII digits as MARK | length | two digits a byte."""
    return _DIGIT_RUN.sub(_packed_run, text)


def _packed_run(match: re.Match) -> bytes:
    digits = match.group().decode("ascii")
    pad = "a" if len(digits) % 2 else ""       # _PAD, as the hex digit it is
    return bytes([_MARK, len(digits)]) + bytes.fromhex(digits + pad)


def unpack_digits(packed: bytes) -> bytes:
    """The inverse of pack_digits; ProtocolError for a malformed run. (A
    packed pair's hex is its two digits: the C code does the work.)"""
    out, start = bytearray(), 0
    while (mark := packed.find(_MARK, start)) >= 0:
        out += packed[start:mark]
        if mark + 1 >= len(packed) or packed[mark + 1] < 4:
            raise ProtocolError("record holds a malformed digit run")
        length = packed[mark + 1]
        end = mark + 2 + (length + 1) // 2
        if end > len(packed):
            raise ProtocolError("record ends inside a digit run")
        digits = packed[mark + 2:end].hex()
        if length % 2 and digits[-1] != "a":
            raise ProtocolError("record holds a malformed digit run")
        digits = digits[:length]
        if not (digits.isascii() and digits.isdigit()):
            raise ProtocolError("record holds a malformed digit run")
        out += digits.encode("ascii")
        start = end
    out += packed[start:]
    return bytes(out)


# The first dictionary (codec 1): what the box's events have in common (the
# canonical JSON: sorted keys, no spaces). Records sealed with it before an
# upgrade still wait in boxes' outboxes, so it is read for ever. Deflate finds
# matches best near the end of a dictionary: the most common strings come last.
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


# The second dictionary (codec 2), for digit-packed plaintexts: the rare
# event kinds and common names of ZDICT_V1, a status change, then an intake
# of each kind of service in the demo catalogue, card payment last, each in
# the canonical form the box writes (sorted keys: the order a record's keys
# arrive in is known) with neutral values: zeros for numbers, the first day
# of 2026. Tariff versions: the form a bundle gives ("bundle-N"), then the
# demo catalogue's own ("demo-1405-01", edge.catalogue.DEMO_VERSION), as
# its service codes are. Measured on the sync benchmark's intakes (the demo
# catalogue), it takes a compressed event from ~140 bytes (codec 1) to ~107;
# an office whose catalogue has other codes and versions pays ~13 bytes more
# until a dictionary made from its events joins as a new codec.
_INTAKE_V2 = (
    '{{"hlc":117000000000000000,"payload":{{"created_at":"2026-01-01T00:00:00.000000Z",'
    '"fee_rials":{fee},"fields":{{{fields}}},"full_name":"","location":"",'
    '"mobile":"+989000000000","national_code":"0000000000","operator":"operator",'
    '"payment":{{{payment}}},"service_code":"{service}","tariff_version":"{tariff}",'
    '"tracking_code":"0000-0000-00"}},"seq":1,"type":"intake.created"}}')
_CASH = '"method":"cash","reference":""'
_CARD = '"card_last4":"0000","method":"card","reference":"000000000000"'
_DEMO = "demo-1405-01"
_SERVICES_V2 = (
    ("HEALTH-INS", "", 780000, _CASH, "bundle-1"),
    ("SMART-ID", '"request_kind":""', 780000, _CASH, _DEMO),
    ("DRIVING-RENEW", '"licence_number":"0000000000"', 780000, _CASH, _DEMO),
    ("HEALTH-INS", "", 780000, _CASH, _DEMO),
    ("SANA-REG", "", 780000, _CASH, _DEMO),
    ("SOCIAL-RECORD", '"insurance_number":"0000000000"', 780000, _CASH, _DEMO),
    ("BILL-PAY", '"bill_id":"0000000000000","payment_id":"000000000"', 780000, _CASH, _DEMO),
    ("POST-PARCEL", '"postcode":"0000000000","weight_grams":""', 780000, _CASH, _DEMO),
    ("SMART-ID", '"request_kind":""', 1850000, _CARD, _DEMO),
)
ZDICT_V2 = pack_digits(
    ZDICT_V1[:ZDICT_V1.index(b'{"hlc":1,')]
    + b'{"hlc":117000000000000000,"payload":{"by":"operator","from":"received","reason":"",'
      b'"to":"in_progress","tracking_code":"0000-0000-00"},"seq":1,'
      b'"type":"intake.status_changed"}'
    + "".join(_INTAKE_V2.format(service=service, fields=fields, fee=fee, payment=payment,
                                tariff=tariff)
              for service, fields, fee, payment, tariff in _SERVICES_V2).encode("utf-8"))


def compress(plaintext: bytes) -> bytes:
    """The smallest of: codec 2 (codec 1 when the plaintext holds a 0xF5), the plaintext."""
    if _MARK in plaintext:
        codec, packed = CODEC_DEFLATE_DICT1, _deflate(plaintext, ZDICT_V1)
    else:
        codec, packed = CODEC_PACKED_DICT2, _deflate(pack_digits(plaintext), ZDICT_V2)
    if len(packed) < len(plaintext):
        return bytes([codec]) + packed
    return bytes([CODEC_RAW]) + plaintext


def decompress(data: bytes) -> bytes:
    if not data:
        raise ProtocolError("empty record")
    codec, body = data[0], data[1:]
    if codec == CODEC_RAW:
        return body
    if codec == CODEC_DEFLATE_DICT1:
        return _inflate(body, ZDICT_V1)
    if codec == CODEC_PACKED_DICT2:
        # Unpacking at most doubles the size: the packed text's limit is half.
        return unpack_digits(_inflate(body, ZDICT_V2, MAX_PLAINTEXT // 2))
    raise ProtocolError(f"unknown record codec {codec}")


def _deflate(data: bytes, dictionary: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary)
    return compressor.compress(data) + compressor.flush()


def _inflate(body: bytes, dictionary: bytes, limit: int = MAX_PLAINTEXT) -> bytes:
    try:
        inflater = zlib.decompressobj(-15, zdict=dictionary)
        raw = inflater.decompress(body, limit)
    except zlib.error:
        raise ProtocolError("record does not decompress") from None
    if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
        raise ProtocolError("record does not decompress to one whole document")
    return raw
