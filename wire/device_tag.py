"""A device's tag: six characters of Crockford's base32 from the SHA-256 of its
public signing key. The box starts every tracking code with it; the gateway
refuses to enrol a second device whose tag is taken, so codes stay unique
across boxes without coordination."""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"   # digits and capitals without I, L, O, U
TAG_LENGTH = 6


def device_tag(public_key: bytes) -> str:
    """Six base32 characters (30 bits) from the SHA-256 of a device's public key."""
    digest = int.from_bytes(hashlib.sha256(public_key).digest()[:4], "big") >> 2
    return base32(digest, TAG_LENGTH)


def base32(number: int, width: int) -> str:
    """`number` in ALPHABET, zero-padded to at least `width` characters."""
    chars = []
    while number or len(chars) < width:
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def tag_number(tag: str) -> int:
    """The number a tag spells (its 30 bits), or ValueError for text that is not a tag."""
    if len(tag) != TAG_LENGTH or not set(tag) <= set(ALPHABET):
        raise ValueError(f"not a device tag: {tag!r}")
    number = 0
    for char in tag:
        number = number * 32 + ALPHABET.index(char)
    return number
