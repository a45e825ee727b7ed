"""Downlink bundles: the centre publishes a TOML document; each device gets its
office's view of the latest one, signed by the centre's key."""

from __future__ import annotations

import hashlib
import json
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from gateway.db import write
from gateway.errors import GatewayError, NotEnrolled
from gateway.job import GatewayJob
from wire.ack import ack_key
from wire.bundle import LICENCE_STATES, check_bundle_request, sign_bundle


class BundlePublisher(GatewayJob):
    """The gateway's bundle job (a part of gateway.service.Gateway)."""

    def latest_bundle_version(self) -> int:
        m = self.models
        row = m.Bundle.select(m.Bundle.version).order_by(m.Bundle.version.desc()).first()
        return row.version if row else 0

    def publish(self, path: Path) -> int:
        """`edge-gateway publish BUNDLE.toml`; returns the new version."""
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise GatewayError(f"cannot read bundle {path}: {error}") from None
        return self.publish_document(document)

    def publish_document(self, document: dict) -> int:
        m = self.models
        document = _jsonable(dict(document))
        now = self.clock_ms()
        issued = datetime.fromtimestamp(now / 1000, timezone.utc)
        days = document.pop("expires_days", 30)
        if not isinstance(days, int) or days < 1:
            raise GatewayError("expires_days must be a whole number of days, 1 or more")
        expires = document.pop("expires_at", None) or (issued + timedelta(days=days)).isoformat()
        requested = document.pop("version", None)
        for name in ("services", "tariffs", "suppliers"):
            if not isinstance(document.setdefault(name, []), list):
                raise GatewayError(f"bundle {name} must be a list of tables ([[{name}]])")
        offices = document.setdefault("offices", {})
        if not isinstance(offices, dict):
            raise GatewayError("bundle offices must be a table of offices ([offices.CODE])")
        for code, office in offices.items():
            if not isinstance(office, dict):
                raise GatewayError(f"office {code}: must be a table ([offices.{code}])")
            status = office.get("licence_status", "active")
            if status not in LICENCE_STATES:
                raise GatewayError(f"office {code}: licence_status must be one of "
                                   + ", ".join(LICENCE_STATES))
        with write(self.db):
            latest = self.latest_bundle_version()
            version = latest + 1 if requested is None else requested
            if not isinstance(version, int) or version <= latest:
                raise GatewayError(f"bundle version must rise: the latest is {latest}, got {version}")
            text = json.dumps(document, ensure_ascii=False, sort_keys=True)
            m.Bundle.create(version=version, issued_at=issued.isoformat(), expires_at=str(expires),
                          document=text, digest=hashlib.sha256(text.encode()).hexdigest(),
                          published_ms=now)
        return version

    def bundle_for(self, device_id: str, have: int = 0, tag: str | None = None) -> dict[str, Any] | None:
        """The signed bundle for this device's office, or None before any publish.
        Over HTTP the request carries the device's tag (see bundle_request_tag)."""
        m = self.models
        device = m.Device.get_or_none(m.Device.device_id == device_id)
        if device is None:
            raise NotEnrolled(f"device {device_id} is not enrolled")
        if tag is not None:
            key = ack_key(self.keys.exchange, bytes(device.exchange_key))
            check_bundle_request(key, device_id, have, tag)
        row = m.Bundle.select().order_by(m.Bundle.version.desc()).first()
        if row is None:
            return None
        document = json.loads(row.document)
        code = device.office.code
        office = document.get("offices", {}).get(code, {})
        all_services = [s.get("code") for s in document["services"]]
        bundle = {
            "version": row.version, "issued_at": row.issued_at, "expires_at": row.expires_at,
            "office": {"code": code, "name": device.office.name,
                       "licence_number": office.get("licence_number", ""),
                       "licence_status": office.get("licence_status", "active"),
                       "licence_expires": office.get("licence_expires"),
                       "services": office.get("services", all_services)},
            "services": document["services"], "tariffs": document["tariffs"],
            "suppliers": document["suppliers"],
        }
        if "holidays" in document:    # older bundles go out as they were signed before
            bundle["holidays"] = document["holidays"]
        return sign_bundle(self.keys.centre, bundle)


def _jsonable(value: Any) -> Any:
    """TOML dates and times as ISO text, so the bundle is plain JSON."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
