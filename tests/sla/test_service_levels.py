"""The service level as a user meets it: the API's `sla`, the pause through
a real status change, a closure that moves the due time, and bundles that
carry holidays and first-action targets (or do not)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edge.errors import Conflict, InvalidInput
from edge.fields import utc_text
from edge.intake import IntakeRequest
from edge.sla import records
from tests.conftest import intake_body, login, make_user
from tests.sla.test_rules import jalali

SATURDAY_9 = jalali(1405, 9, 14, 9)


@pytest.fixture
def saturday(box, clock):
    clock.set(SATURDAY_9)
    return box


def test_api_shows_the_service_level_and_its_pause(saturday, clock, api, server, operator):
    made = api.post("/api/v1/intakes", json=intake_body(service_code="HEALTH-INS")).json()
    code = made["tracking_code"]
    sla = api.get(f"/api/v1/intakes/{code}").json()["sla"]
    # 48 office hours from Saturday 09:00: Saturday 7, Sunday to Wednesday 32, Thursday 4,
    # Friday off, then Saturday 08:00-13:00
    assert sla == {"due_at": utc_text(jalali(1405, 9, 21, 13)), "state": "on_time",
                   "paused": False}
    clock.set(SATURDAY_9 + timedelta(hours=1))
    changed = api.post(f"/api/v1/intakes/{code}/status", json={"status": "waiting_citizen"})
    assert changed.status_code == 200, changed.text
    clock.set(SATURDAY_9 + timedelta(days=2))            # Monday 09:00: two days waited
    api = login(server.url, operator.username)           # the first token has expired
    paused = api.get(f"/api/v1/intakes/{code}").json()["sla"]
    assert paused["paused"] is True
    # one hour used; 47 left from Monday 09:00 reach the next Monday noon
    assert paused["due_at"] == utc_text(jalali(1405, 9, 23, 12))
    api.post(f"/api/v1/intakes/{code}/status", json={"status": "in_progress"})
    api.post(f"/api/v1/intakes/{code}/status", json={"status": "done"})
    assert api.get(f"/api/v1/intakes/{code}").json()["sla"]["state"] == "met"


def test_a_supervisor_closure_recomputes_and_is_audited(saturday, clock):
    supervisor = make_user(saturday, "maryam", "supervisor")
    operator = make_user(saturday, "ali", "operator")
    intake = saturday.intakes.create(IntakeRequest(
        "SANA-REG", "0013542419", "زهرا احمدی", "09121234567"), operator)
    before = records.level_of(saturday.store, saturday.settings, intake, clock.now())
    assert before.due_at == jalali(1405, 9, 17, 9)        # 24 office hours: Tuesday 09:00
    records.add_closure(saturday.store, saturday.events, "۱۴۰۵/۰۹/۱۵", "برف سنگین", supervisor)
    after = records.level_of(saturday.store, saturday.settings, intake, clock.now())
    assert after.due_at == jalali(1405, 9, 18, 9)         # Sunday closed: a day later
    audit = saturday.store.models.AuditEntry
    assert audit.get(audit.action == "calendar.closed").subject == "2026-12-06"
    with pytest.raises(Conflict):
        records.add_closure(saturday.store, saturday.events, "1405/09/15", "again", supervisor)
    with pytest.raises(InvalidInput):
        records.add_closure(saturday.store, saturday.events, "1405/09/16", "  ", supervisor)
