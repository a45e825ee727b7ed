"""The centre's administration: offices, enrolment tokens, API keys of the
central system, and the list of enrolled devices."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from peewee import IntegrityError, Model

from gateway.db import iso_ms, write
from gateway.errors import GatewayError
from gateway.job import GatewayJob

TOKEN_HOURS = 72


def secret_hash(secret: str) -> str:
    """Tokens and keys are kept only as their SHA-256: a stolen database grants nothing."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class OfficeAdmin(GatewayJob):
    """The gateway's admin job (a part of gateway.service.Gateway)."""

    def add_office(self, code: str, name: str) -> Model:
        m = self.models
        code = code.strip()
        if not code:
            raise GatewayError("office code must not be empty")
        try:
            with write(self.db):
                return m.Office.create(code=code, name=name, created_ms=self.clock_ms())
        except IntegrityError:
            raise GatewayError(f"office {code} exists already") from None

    def office_exists(self, code: str) -> bool:
        m = self.models
        return m.Office.select().where(m.Office.code == code).exists()

    def office(self, code: str) -> Model:
        m = self.models
        office = m.Office.get_or_none(m.Office.code == code)
        if office is None:
            raise GatewayError(f"no office {code}: add it with `edge-gateway office add {code}`",
                               status=404, code="unknown_office")
        return office

    def issue_token(self, office_code: str, hours: int = TOKEN_HOURS) -> str:
        m = self.models
        office = self.office(office_code)
        token = secrets.token_urlsafe(18)
        now = self.clock_ms()
        with write(self.db):
            m.EnrollToken.create(token_hash=secret_hash(token), office=office, created_ms=now,
                               expires_ms=now + hours * 3_600_000)
        return token

    def issue_api_key(self, name: str) -> str:
        m = self.models
        key = "pk_" + secrets.token_urlsafe(24)
        with write(self.db):
            m.ApiKey.create(name=name, key_hash=secret_hash(key), created_ms=self.clock_ms())
        return key

    def check_api_key(self, key: str | None) -> Model:
        m = self.models
        row = m.ApiKey.get_or_none(m.ApiKey.key_hash == secret_hash(key or ""))
        if row is None or row.revoked:
            raise GatewayError("a valid API key is needed (Authorization: Bearer KEY)",
                               status=401, code="unauthorized")
        return row

    def devices(self) -> list[dict[str, Any]]:
        m = self.models
        rows = []
        for device in m.Device.select(m.Device, m.Office).join(m.Office).order_by(m.Device.id):
            conflicts = m.RecordConflict.select().where(m.RecordConflict.device == device).count()
            rows.append({"device": device.device_id, "tag": device.tag,
                         "office": device.office.code, "held_seq": device.held_seq,
                         "pulled_seq": device.pulled_seq,
                         "enrolled_at": iso_ms(device.enrolled_ms),
                         "last_seen_at": iso_ms(device.last_seen_ms), "skew_ms": device.skew_ms,
                         "conflicts": conflicts})
        return rows
