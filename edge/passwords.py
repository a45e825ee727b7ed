"""Password hashes: Argon2id, sized for a Pi Zero 2 W (512 MB for everything).

19 MiB and two passes is OWASP's smallest recommended Argon2id setting; it
keeps a login well under a second on a Pi and the box's memory flat.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of nothing, checked when the user does not exist so that a wrong
# username takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)
