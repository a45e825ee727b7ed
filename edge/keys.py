"""The box's own keys, made at `edge init`: Ed25519 to sign what it sends,
X25519 for what the centre seals to it. Kept in `keys/` of the data folder,
readable by the owner only."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from wire.device_tag import device_tag

SIGNING_FILE = "device_ed25519.pem"
EXCHANGE_FILE = "device_x25519.pem"


def raw_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class DeviceKeys:
    signing_key: Ed25519PrivateKey
    exchange_key: X25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        return raw_public(self.signing_key)

    @property
    def exchange_public(self) -> bytes:
        return raw_public(self.exchange_key)

    @property
    def device_id(self) -> str:
        """The box's identity: the first 16 bytes of SHA-256 of its signing key, in hex."""
        return hashlib.sha256(self.signing_public).hexdigest()[:32]

    @property
    def tag(self) -> str:
        """The prefix of every tracking code this box makes."""
        return device_tag(self.signing_public)

    @classmethod
    def create(cls, folder: Path) -> "DeviceKeys":
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        keys = cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        _write_private(folder / SIGNING_FILE, keys.signing_key)
        _write_private(folder / EXCHANGE_FILE, keys.exchange_key)
        return keys

    @classmethod
    def load(cls, folder: Path) -> "DeviceKeys":
        return cls(_read_private(folder / SIGNING_FILE), _read_private(folder / EXCHANGE_FILE))

    @staticmethod
    def exist(folder: Path) -> bool:
        return (folder / SIGNING_FILE).exists() and (folder / EXCHANGE_FILE).exists()


def _write_private(path: Path, key) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())


def _read_private(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)
