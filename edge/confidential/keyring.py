"""The local keys that encrypt confidential fields (AES-256-GCM), in one file
of the data folder readable by its owner only. A rotation adds a key, the
rows are encrypted again under it, then the old keys are dropped; the file is
replaced whole (written aside, fsynced, renamed), so a crash between the
steps leaves every row readable."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEYRING_FILE = "confidential.keys"
NONCE_SIZE = 12


class KeyringError(RuntimeError):
    """The keyring is missing a key a row needs, or a sealed value does not open."""


class Keyring:
    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            self._keys, self.active = {}, ""
            self.add_key()
        else:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            self._keys = {key_id: base64.b64decode(raw) for key_id, raw in document["keys"].items()}
            self.active = document["active"]

    def add_key(self) -> str:
        """A new key, made the active one and saved; returns its id."""
        key_id = secrets.token_hex(4)
        self._keys[key_id] = AESGCM.generate_key(bit_length=256)
        self.active = key_id
        self._save()
        return key_id

    def drop_all_but_active(self) -> None:
        self._keys = {self.active: self._keys[self.active]}
        self._save()

    def seal(self, plain: bytes, context: bytes) -> tuple[str, bytes]:
        """(key id, nonce + ciphertext) of `plain`, bound to `context`."""
        nonce = os.urandom(NONCE_SIZE)
        return self.active, nonce + AESGCM(self._keys[self.active]).encrypt(nonce, plain, context)

    def open(self, key_id: str, sealed: bytes, context: bytes) -> bytes:
        key = self._keys.get(key_id)
        if key is None:
            raise KeyringError(f"no key {key_id} in {self.path}")
        try:
            return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], context)
        except InvalidTag:
            raise KeyringError("a confidential value does not open with its key") from None

    def _save(self) -> None:
        document = {"active": self.active,
                    "keys": {key_id: base64.b64encode(key).decode() for key_id, key in self._keys.items()}}
        partial = self.path.with_suffix(".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(document, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, self.path)
