"""Enrolment: a box proves it holds the keys it names and spends a one-time
token the centre issued for one office; the answer pins the gateway's keys."""

from __future__ import annotations

import logging
from typing import Any

from gateway.db import iso_ms, write
from gateway.errors import GatewayError
from gateway.offices import secret_hash
from gateway.job import GatewayJob
from wire.batch import MAX_DEVICE_ID
from wire.device_tag import device_tag
from wire.encoding import load_x25519_public, unb64
from wire.enrolment import sign_answer, verify_enroll

log = logging.getLogger(__name__)


class DeviceEnrolment(GatewayJob):
    """The gateway's enrolment job (a part of gateway.service.Gateway)."""

    def enroll(self, request: Any) -> dict[str, Any]:
        m = self.models
        if not isinstance(request, dict):
            raise GatewayError("enrolment request must be a JSON object")
        token, device_id = request.get("token"), request.get("device")
        if not isinstance(token, str) or not isinstance(device_id, str) or not device_id \
                or len(device_id) > MAX_DEVICE_ID:
            raise GatewayError("enrolment request needs token and device")
        signing_key = unb64(request.get("signing_key"), "signing_key")
        exchange_key = unb64(request.get("exchange_key"), "exchange_key")
        load_x25519_public(exchange_key)
        signature = unb64(request.get("signature"), "signature")
        verify_enroll(signature, token, device_id, signing_key, exchange_key)
        tag = device_tag(signing_key)
        now = self.clock_ms()
        with write(self.db):
            row = m.EnrollToken.get_or_none(m.EnrollToken.token_hash == secret_hash(token))
            if row is None:
                raise GatewayError("enrolment token unknown: ask the centre for a new one",
                                   status=403, code="token_unknown")
            if row.used_ms is not None:
                if self._enrolled_with(row, device_id, signing_key, exchange_key):
                    # the box never got our answer (a dropped link): give it again
                    return self._enrolment_answer(device_id, tag, row.office, now)
                raise GatewayError("enrolment token already used: ask the centre for a new one",
                                   status=403, code="token_used")
            if row.expires_ms <= now:
                raise GatewayError(f"enrolment token expired at {iso_ms(row.expires_ms)}: "
                                   "ask the centre for a new one", status=403, code="token_expired")
            if m.Device.get_or_none(m.Device.device_id == device_id) is not None:
                raise GatewayError(f"device {device_id} is enrolled already",
                                   status=409, code="device_enrolled")
            taken = m.Device.get_or_none(m.Device.tag == tag)
            if taken is not None:
                raise GatewayError(
                    f"device tag {tag} is taken by another device: regenerate this box's keys "
                    "(move its data folder's keys/ aside, run edge init) and enrol again",
                    status=409, code="tag_taken")
            office = row.office
            m.Device.create(device_id=device_id, tag=tag, office=office, signing_key=signing_key,
                            exchange_key=exchange_key, enrolled_ms=now)
            row.used_ms, row.used_by = now, device_id
            row.save()
        log.info("device %s (tag %s) enrolled for office %s", device_id, tag, office.code)
        return self._enrolment_answer(device_id, tag, office, now)

    def _enrolled_with(self, token_row, device_id: str, signing_key: bytes, exchange_key: bytes) -> bool:
        """Did this very token enrol this very device, with these keys?"""
        m = self.models
        device = m.Device.get_or_none(m.Device.device_id == device_id)
        return (token_row.used_by == device_id and device is not None
                and bytes(device.signing_key) == signing_key
                and bytes(device.exchange_key) == exchange_key)

    def _enrolment_answer(self, device_id: str, tag: str, office, now: int) -> dict[str, Any]:
        return sign_answer(self.keys.centre, {
            "device": device_id, "tag": tag, "office": office.code, "office_name": office.name,
            "time_ms": now, **self.keys.public()})
