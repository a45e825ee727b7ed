"""The box side: enrolment, the sealed outbox, the agent, status, bundles, clocks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from edge.clock import FakeClock
from edge.i18n import MessageCatalogue
from sync_agent import state
from wire.encoding import public_bytes
from wire.errors import SealError
from wire.records import SEALING_HPKE, decode_event, open_sealed
from sync_agent.agent import AgentState
from tests.helpers import free_port, wait_until


@pytest.fixture(params=["sqlite"])
def db_url(request):
    return None     # the box side is the same on either gateway database


def feed(gateway):
    return gateway.feed(0, 1000)["records"]


def test_enrolment_pins_keys_and_seals_records_written_before_it(gateway, gateway_url, make_box):
    tb = make_box()
    OutboxRecord = tb.box.store.models.OutboxRecord
    before = tb.intake()
    assert {r.sealing for r in OutboxRecord.select()} == {"plain"}
    row = tb.enroll(gateway, gateway_url)
    assert row.office == "KHR-0042"
    assert row.tag == tb.box.keys.tag == before.tracking_code.replace("-", "")[:6]
    assert bytes(row.exchange_key) == public_bytes(gateway.keys.exchange.public_key())
    after = tb.intake()
    records = list(OutboxRecord.select())
    assert {r.sealing for r in records} == {SEALING_HPKE}
    for record in records:
        for secret in (before.tracking_code, after.tracking_code, before.national_code):
            assert secret.encode() not in bytes(record.body)


def test_nothing_queued_opens_with_what_is_on_the_box(gateway, gateway_url, make_box):
    from cryptography.hazmat.primitives import serialization
    tb = make_box()
    OutboxRecord = tb.box.store.models.OutboxRecord
    tb.enroll(gateway, url=gateway_url)
    tb.intake()
    keys = []
    for path in (tb.box.home).rglob("*"):
        if path.is_file():
            try:
                keys.append(serialization.load_pem_private_key(path.read_bytes(), password=None))
            except (ValueError, TypeError):
                pass
    assert len(keys) == 2      # the box's own two keys are all there is
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    exchange = [k for k in keys if isinstance(k, X25519PrivateKey)]
    for record in OutboxRecord.select():
        for key in exchange:
            with pytest.raises(SealError):
                open_sealed(bytes(record.body), key, tb.box.keys.device_id, record.seq)
    # ...while the gateway's key opens it.
    record = OutboxRecord.select().first()
    opened = open_sealed(bytes(record.body), gateway.keys.exchange,
                                  tb.box.keys.device_id, record.seq)
    assert decode_event(record.seq, opened).type == record.event_type


def test_sync_forwards_in_order_acks_and_compacts(gateway, gateway_url, make_box):
    tb = make_box()
    OutboxRecord = tb.box.store.models.OutboxRecord
    tb.enroll(gateway, gateway_url)
    codes = [tb.intake().tracking_code for _ in range(10)]
    bodies_before = {r.seq: bytes(r.body) for r in OutboxRecord.select()}
    agent = tb.agent()
    result = agent.sync_once()
    assert result.ok, result.error
    sizes = [b["last_seq"] - b["first_seq"] + 1 for b in gateway.batches(0, 100)["batches"]]
    assert sizes == [4, 6]          # small at first, doubled after success
    intakes = [r for r in feed(gateway) if r["type"] == "intake.created"]
    assert [r["payload"]["tracking_code"] for r in intakes] == codes
    assert tb.box.outbox.depth() == 0     # acknowledged, kept until the centre pulls them
    assert [r.seq for r in tb.box.outbox.kept()] == sorted(bodies_before)
    assert tb.box.outbox.acked_seq() == max(bodies_before)
    assert agent.state is AgentState.IDLE


def test_unreachable_gateway_keeps_records_and_says_why(gateway, gateway_url, make_box):
    tb = make_box()
    tb.enroll(gateway, gateway_url)            # then point the box at nothing
    with tb.box.store.write():
        tb.box.store.models.SyncEnrolment.update(gateway_url=f"http://127.0.0.1:{free_port()}").execute()
    tb.intake()
    tb.intake()
    agent = tb.agent()
    result = agent.sync_once()
    assert not result.ok and "connection refused" in result.error
    from sync_agent import status
    report = status(tb.box)
    assert report["queue_depth"] == 2 and "connection refused" in report["last_error"]
    assert report["last_error_code"] == "unreachable"
    persian = MessageCatalogue().translator("fa")
    assert persian.say(report["last_error_words"]).startswith("دسترسی به درگاه مرکزی ممکن نشد")
    assert report["oldest_unsent_age_seconds"] >= 0
    assert "waiting" in report["summary"]
    # The backoff comes from the settings (first 0.05 s, cap 0.2 s); jittered,
    # so two delays are not ordered, but each stays under its ceiling.
    assert agent.backoff.delay(1) <= 0.05 and agent.backoff.delay(30) <= 0.2


def test_agent_worker_forwards_an_intake_within_seconds(gateway, gateway_url, make_box):
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    agent = tb.agent()
    agent.start()
    try:
        code = tb.intake().tracking_code
        wait_until(lambda: any(r["payload"].get("tracking_code") == code for r in feed(gateway)))
        wait_until(lambda: tb.box.outbox.depth() == 0)
    finally:
        agent.stop()


def test_cli_enroll_refusal_and_status(gateway, gateway_url, make_box):
    from appliance.cli import cli
    tb = make_box()
    home = str(tb.box.home)
    runner = CliRunner()
    refused = runner.invoke(cli, ["--home", home, "enroll", "--gateway", gateway_url,
                                  "--token", "no-such-token"])
    assert refused.exit_code == 1
    assert "enrolment failed: enrolment token unknown" in refused.output
    done = runner.invoke(cli, ["--home", home, "enroll", "--gateway", gateway_url,
                               "--token", gateway.issue_token("KHR-0042")])
    assert done.exit_code == 0, done.output
    tb.intake()
    report = json.loads(runner.invoke(cli, ["--home", home, "sync", "status", "--json"]).output)
    assert report["enrolled"] and report["queue_depth"] == 1
    now = runner.invoke(cli, ["--home", home, "sync", "now"])
    assert now.exit_code == 0, now.output
    report = json.loads(runner.invoke(cli, ["--home", home, "sync", "status", "--json"]).output)
    assert report["queue_depth"] == 0 and report["last_success_at"]


def test_clock_moved_back_a_year_and_forward_ten_keeps_order(gateway, gateway_url, make_box):
    from datetime import datetime, timedelta, timezone
    # Starts a year after the demo tariffs, so a year back still has a tariff in force
    # (the lead's intake refuses a time before any tariff: noted in the report).
    clock = FakeClock(datetime(2027, 6, 1, 8, 0, tzinfo=timezone.utc))
    tb = make_box(clock=clock)
    tb.enroll(gateway, gateway_url)
    codes = [tb.intake().tracking_code]
    clock.advance(days=-365)
    codes.append(tb.intake().tracking_code)
    clock.advance(days=3650 + 365)
    codes.append(tb.intake().tracking_code)
    clock.advance(days=-3650)
    codes.append(tb.intake().tracking_code)
    assert tb.agent().sync_once().ok
    records = [r for r in feed(gateway) if r["type"] == "intake.created"]
    assert [r["payload"]["tracking_code"] for r in records] == codes
    assert [r["seq"] for r in records] == sorted(r["seq"] for r in records)
    hlcs = [r["hlc"] for r in records]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == 4
    real_skew = datetime.now(timezone.utc) - clock.now()      # the gateway runs on real time
    assert abs(state.get(tb.box.store, state.SKEW_MS) - real_skew.total_seconds() * 1000) < 60_000
    offered, source = clock.offered[-1]                     # the box's clock is told the time
    assert source == "gateway" and abs(offered - (clock.now() + real_skew)) < timedelta(minutes=1)


def test_api_sync_endpoint_shows_the_agents_status(gateway, gateway_url, make_box):
    from web import create_app
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    tb.agent()                       # the box's sync part reports to the API
    tb.intake()
    client = create_app(tb.box).test_client()
    token = client.post("/api/v1/tokens", json={
        "username": "operator", "password": tb.credentials["operator"]}).get_json()["token"]
    report = client.get("/api/v1/sync", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert report["enrolled"] and report["queue_depth"] == 1
    assert report["gateway"] == gateway_url and "waiting" in report["summary"]


def test_the_box_assembly_attaches_the_agent_and_sealer(gateway, gateway_url, make_box):
    from appliance.assembly import open_box
    from wire.records import SEALING_HPKE
    from sync_agent.agent import SyncAgent
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    home = tb.box.home
    tb.close()
    box = open_box(home, with_parts=True)          # what `edge run` does
    try:
        assert any(isinstance(worker, SyncAgent) for worker in box.workers)
        assert box.outbox.sealer.seal(1, "x", b"{}")[0] == SEALING_HPKE
        assert box.parts.sync.status()["enrolled"]
    finally:
        box.close()


def test_a_box_opened_before_enrolment_seals_from_the_enrolment_on(gateway, gateway_url, make_box):
    """The sealer is chosen when the box is built and follows the enrolment row:
    another process enrolling the box (`edge enroll` while `edge run` runs)
    needs no reopening and no reseal of what comes after."""
    from appliance.assembly import open_box
    from wire.records import SEALING_HPKE
    tb = make_box()
    home = tb.box.home
    tb.close()
    running = open_box(home)
    try:
        enrolled = subprocess.run(
            [sys.executable, "-m", "appliance", "enroll", "--home", str(home), "--gateway",
             gateway_url, "--token", gateway.issue_token("KHR-0042")],
            capture_output=True, text=True, timeout=60)
        assert enrolled.returncode == 0, enrolled.stderr
        with running.store.write():
            running.events.record("console", "test.after_enrolment", "x", {},
                                  event_type="test.after_enrolment")
        OutboxRecord = running.store.models.OutboxRecord
        newest = OutboxRecord.select().order_by(OutboxRecord.seq.desc()).first()
        assert newest.event_type == "test.after_enrolment"
        assert newest.sealing == SEALING_HPKE
    finally:
        running.close()


def test_after_enrolment_with_another_office_the_box_goes_by_its_code_and_name(
        gateway, gateway_url, make_box):
    from hardware.modem.part import build
    from web import create_app
    tb = make_box()
    before = create_app(tb.box).test_client().get("/api/v1/health").get_json()
    assert before["office"] == "DEMO-0001"
    tb.enroll(gateway, gateway_url)
    health = create_app(tb.box).test_client().get("/api/v1/health").get_json()
    assert health["office"] == "KHR-0042"
    tb.box.settings = {**tb.box.settings, "modem.port": "sim://",
                       "modem.intake_sms": "{office}: {tracking_code}"}
    modem = build(tb.box)                       # the SMS hook as `edge run` fits it
    intake = tb.intake()
    [on_intake] = modem.intake_hooks
    on_intake(intake)
    [sms] = modem.outbox.due()
    assert sms.text.startswith(f"دفتر پیشخوان خیرآباد: {intake.tracking_code}\n")
