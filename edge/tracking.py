"""Tracking codes: short, unique across boxes without coordination, easy to
read aloud and type, with a check character.

A code is the box's device tag (6 characters from the hash of its public
key), then the box's own intake counter (3 or more characters), then a
check character (Luhn mod 32, which catches every single wrong character and
every swap of two neighbours). The alphabet is Crockford's base32: digits and
capitals without I, L, O and U, so nothing looks or sounds alike; when typed,
O reads as 0, I and L as 1, and Persian digits as digits. Shown in groups of
four: `K7Q2-MX04-F7`.

Two boxes never make the same code unless their tags collide (30 bits); the
gateway refuses to enrol a second device with a tag already taken.
"""

from __future__ import annotations

from edge.digits import to_ascii_digits
from edge.errors import InvalidInput
# The tag rule lives in wire (the gateway checks tags too); device_tag is re-exported for the core.
from wire.device_tag import ALPHABET, TAG_LENGTH, base32, device_tag  # noqa: F401

_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_TYPED_ALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})
MIN_COUNTER_LENGTH = 3


def check_char(payload: str) -> str:
    """Luhn mod 32 check character of `payload`."""
    total, factor = 0, 2
    for char in reversed(payload):
        addend = factor * _VALUE[char]
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return ALPHABET[(32 - total % 32) % 32]


def make_code(tag: str, counter: int) -> str:
    payload = tag + base32(counter, MIN_COUNTER_LENGTH)
    return present(payload + check_char(payload))


def present(compact: str) -> str:
    """Groups of four, joined by hyphens."""
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def normalize(typed: str, field: str = "tracking_code") -> str:
    """A code as typed (any case, spaces, hyphens, look-alikes) in its shown
    form, or InvalidInput when it is malformed or its check character fails."""
    compact = "".join(to_ascii_digits(str(typed)).upper().split()).replace("-", "")
    compact = compact.translate(_TYPED_ALIKE)
    if (len(compact) < TAG_LENGTH + MIN_COUNTER_LENGTH + 1 or len(compact) > 24
            or any(char not in _VALUE for char in compact)
            or check_char(compact[:-1]) != compact[-1]):
        raise InvalidInput("tracking.invalid", field)
    return present(compact)


def is_valid(typed: str) -> bool:
    try:
        normalize(typed)
    except InvalidInput:
        return False
    return True
