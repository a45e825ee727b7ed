"""Retention end to end: intakes taken in June, finished, acknowledged by a
real gateway; months later `edge retention run` (a real process, the real
clock) purges their personal fields, `edge check` still verifies the audit
chain, and the markers typed into them are gone from the database file and
its log, while an open intake keeps its own."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from appliance.assembly import open_box
from edge.clock import FakeClock
from edge.intake import IntakeRequest
from tests.helpers import run_edge

JUNE = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)   # Monday 11 Khordad 1405, 11:30
MARKER = "Rt9Marker نشان‌ماندگار"
SECRET = "Cf4Marker نشان‌محرمانه"
KEPT = "Kp2Marker نشان‌باز"


@pytest.fixture(params=["sqlite"])
def db_url(request):
    return None


def files_holding(home, *texts: str) -> set[str]:
    return {text for path in home.rglob("*") if path.is_file()
            for text in texts if text.encode() in path.read_bytes()}


def test_acknowledged_old_intakes_lose_their_personal_fields_and_the_chain_holds(
        gateway, gateway_url, make_box):
    tb = make_box(clock=FakeClock(JUNE))
    tb.enroll(gateway, gateway_url)
    box, operator = tb.box, tb.operator
    done = [box.intakes.create(IntakeRequest(service, "0013542419", name, "09121234567"),
                               operator) for service, name in (("HEALTH-INS", MARKER),
                                                               ("SANA-REG", SECRET))]
    for intake in done:
        box.intakes.change_status(intake.tracking_code, "in_progress", operator)
        box.intakes.change_status(intake.tracking_code, "done", operator)
    still_open = box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", KEPT,
                                                  "09121234567"), operator)
    tb.agent().sync_once()
    assert box.outbox.depth() == 0                          # the gateway holds every event
    tb.close()
    assert files_holding(box.home, MARKER, KEPT) == {MARKER, KEPT}

    counted = run_edge(box.home, "retention", "run", "--dry-run", "--json")
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout) == {"due": 2, "purged": 0, "days": 90, "dry_run": True}
    purged = run_edge(box.home, "retention", "run")
    assert purged.returncode == 0 and "2 intakes" in purged.stdout, purged.stderr
    checked = run_edge(box.home, "check")
    assert checked.returncode == 0 and "audit chain: ok" in checked.stdout, checked.stdout

    assert files_holding(box.home, MARKER, SECRET, KEPT) == {KEPT}

    reopened = open_box(box.home)
    try:
        models = reopened.store.models
        rows = {row.tracking_code: row for row in models.Intake.select()}
        for intake in done:
            row = rows[intake.tracking_code]
            assert (row.national_code, row.full_name, row.mobile, row.fields) == ("", "", "", {})
            assert row.fee_rials == intake.fee_rials and row.status == "done"
        assert rows[still_open.tracking_code].full_name == KEPT
        assert models.SealedFields.select().count() == 0
        entry = models.AuditEntry.select().where(
            models.AuditEntry.action == "retention.purged").get()
        assert entry.details["tracking_codes"] == [intake.tracking_code for intake in done]
        assert run_edge(box.home, "retention", "run", "--json").stdout.strip() == json.dumps(
            {"due": 0, "purged": 0, "days": 90, "dry_run": False})
    finally:
        reopened.close()
