"""Confidential services: a marker typed into such an intake is nowhere on
the box in the clear (the SQLite file, its WAL, the logs, a backup); lists
and searches mask it; a supervisor sees it whole and each view is audited;
the key rotates and the fields still open."""

from __future__ import annotations

import logging
import stat

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from edge.backup import backup_database
from edge.keys import raw_public
from tests.conftest import intake_body, login, make_user

MARKER_NAME = "Zq7Marker مرجان‌نشان"
MARKER_CODE = "4608968882"
MARKER_MOBILE = "09357654321"


def enrol(box) -> None:
    """As `edge enroll` leaves it: a gateway key to seal the outbox to."""
    with box.store.write():
        box.store.models.SyncEnrolment.create(
            id=1, gateway_url="http://127.0.0.1:9", device_id=box.keys.device_id,
            tag=box.keys.tag, office="DEMO-0001", centre_key=b"\0" * 32,
            exchange_key=raw_public(X25519PrivateKey.generate()), enrolled_at="2026-12-01")


def traces(box, *texts: str) -> list[str]:
    """Where on disk any of `texts` lies in the clear."""
    found = []
    for path in sorted(box.home.rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{path.name}: {text}" for text in texts if text.encode() in content]
    return found


def test_a_confidential_marker_is_nowhere_in_the_clear(box, server, operator, caplog):
    caplog.set_level(logging.DEBUG)             # peewee logs every statement at DEBUG
    enrol(box)
    make_user(box, "maryam", "supervisor")
    api = login(server.url, operator.username)
    made = api.post("/api/v1/intakes", json=intake_body(
        service_code="SANA-REG", full_name=MARKER_NAME, national_code=MARKER_CODE,
        mobile=MARKER_MOBILE))
    assert made.status_code == 201, made.text
    code = made.json()["tracking_code"]
    assert MARKER_NAME not in made.text                         # the operator's answer is masked
    seen = api.get(f"/api/v1/intakes/{code}").json()
    assert seen["masked"] is True and seen["full_name"] == "●●●●●"
    assert seen["national_code"] == "●●●●●●●882"
    listed = api.get("/api/v1/intakes?service_code=SANA-REG").json()["intakes"]
    assert [item["full_name"] for item in listed] == ["●●●●●"]

    supervisor = login(server.url, "maryam")
    whole = supervisor.get(f"/api/v1/intakes/{code}").json()
    assert (whole["full_name"], whole["national_code"], whole["masked"]) == (
        MARKER_NAME, MARKER_CODE, False)
    audit = box.store.models.AuditEntry
    views = audit.select().where(audit.action == "intake.confidential_viewed")
    assert [(entry.actor, entry.subject) for entry in views] == [("maryam", code)]

    backup = backup_database(box.store.path, box.home / "backups" / "edge-copy.db")
    assert backup.exists() and (box.home / "edge.db-wal").exists()
    assert traces(box, MARKER_NAME, MARKER_CODE, "+989357654321") == []
    assert MARKER_NAME not in caplog.text and MARKER_CODE not in caplog.text
    keyring = box.home / "keys" / "confidential.keys"
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600


def test_the_key_rotates_and_the_fields_still_open(box, operator):
    from edge.intake import IntakeRequest
    supervisor = make_user(box, "maryam", "supervisor")
    intake = box.intakes.create(IntakeRequest("SANA-REG", MARKER_CODE, MARKER_NAME,
                                              MARKER_MOBILE), operator)
    first_key = box.confidential.keyring.active
    assert box.confidential.rotate() == 1
    assert box.confidential.keyring.active != first_key
    assert first_key not in (box.home / "keys" / "confidential.keys").read_text()
    assert box.confidential.reveal(intake, supervisor)["full_name"] == MARKER_NAME
