"""The gateway's two private keys, kept as raw files in its folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gateway.errors import GatewayError
from wire.encoding import b64, private_bytes, public_bytes


@dataclass
class GatewayKeys:
    centre: Ed25519PrivateKey      # signs bundles and enrolment answers
    exchange: X25519PrivateKey     # HPKE recipient of every sealed record

    @classmethod
    def create(cls, folder: Path) -> "GatewayKeys":
        folder.mkdir(parents=True, exist_ok=True)
        keys = cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        for name, key in (("centre.key", keys.centre), ("exchange.key", keys.exchange)):
            path = folder / name
            if path.exists():
                raise GatewayError(f"{path} exists already: this gateway has keys")
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(private_bytes(key))
        return keys

    @classmethod
    def load(cls, folder: Path) -> "GatewayKeys":
        try:
            centre = (folder / "centre.key").read_bytes()
            exchange = (folder / "exchange.key").read_bytes()
        except FileNotFoundError:
            raise GatewayError(f"no gateway keys in {folder}: run `edge-gateway init` first") from None
        return cls(Ed25519PrivateKey.from_private_bytes(centre),
                   X25519PrivateKey.from_private_bytes(exchange))

    def public(self) -> dict[str, str]:
        return {"centre_key": b64(public_bytes(self.centre.public_key())),
                "exchange_key": b64(public_bytes(self.exchange.public_key()))}
