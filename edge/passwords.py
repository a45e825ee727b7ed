"""Password hashes: Argon2id, sized for a Pi Zero 2 W (512 MB for everything).

7 MiB and five passes is one of OWASP's equivalent Argon2id settings (as
strong as 19 MiB with two passes); the smaller memory keeps the box's peak
memory low, since every login allocates it once.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a password of anyone")


def burn_time(password: str) -> None:
    """Check against a hash of nothing, so that a wrong username takes as long
    as a wrong password."""
    verify_password(_dummy_hash(), password)
