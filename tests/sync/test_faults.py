"""Faults between box and gateway: a fault-injecting proxy on loopback and a
real gateway process killed and restarted. In every case the feed ends with
each intake exactly once, in per-device order, and no tampered byte stored."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time

import pytest
import requests

from wire.ack import ack_key, decode_ack, verify_ack
from wire.batch import decode_batch, encode_batch, encode_tagged_batch
from wire.errors import ProtocolError
from wire.records import open_sealed
from devtools.linksim import FAULTS, LinkSim, random_faults
from tests.helpers import EDGE, wait_until
from tests.sync.conftest import REPO, GatewayProcess


@pytest.fixture
def process(gateway):
    running = GatewayProcess(gateway.home).start()
    yield running
    running.stop()


@pytest.fixture
def link(process):
    sim = LinkSim(process.port, delay_seconds=0.3)
    yield sim
    sim.close()


@pytest.fixture
def box(gateway, process, link, make_box):
    tb = make_box()
    tb.enroll(gateway, process.url)
    with tb.box.store.write():           # from now on the box talks through the link
        tb.box.store.models.SyncEnrolment.update(gateway_url=link.url).execute()
    return tb


def drain(agent, tries: int = 60) -> None:
    for _ in range(tries):
        result = agent.sync_once()
        if result.ok and agent.box.outbox.depth() == 0:
            return
        time.sleep(0.02)
    raise AssertionError(f"outbox not drained: {agent.box.outbox.depth()} left, {result.error}")


def assert_feed_exactly_once(gateway, codes: list[str]) -> None:
    records = gateway.feed(0, 100_000)["records"]
    by_device: dict[str, list[int]] = {}
    for record in records:
        by_device.setdefault(record["device"], []).append(record["seq"])
    for seqs in by_device.values():
        assert seqs == list(range(1, len(seqs) + 1)), "per-device order broken"
    intakes = [r["payload"]["tracking_code"] for r in records if r["type"] == "intake.created"]
    assert intakes == codes, "an intake is missing, doubled or out of order"
    # No tampered byte stored: every kept batch verifies and opens as it is.
    BatchRow, Device = gateway.models.BatchRow, gateway.models.Device
    for row in BatchRow.select(BatchRow, Device).join(Device):
        batch = decode_batch(bytes(row.body))
        assert gateway.authenticate(batch).device_id == row.device.device_id
        for offset, body in enumerate(batch.bodies):
            open_sealed(body, gateway.keys.exchange, row.device.device_id,
                        batch.first_seq + offset)


def one_shot(fault: str):
    """`fault` on the next batch upload only."""
    hit = []

    def choose(index, head):
        if head.startswith(b"POST /b ") and not hit:
            hit.append(index)
            return fault
        return "pass"
    return choose


@pytest.mark.parametrize("fault", FAULTS[1:])
def test_each_fault_on_a_batch_ends_exactly_once(gateway, link, box, fault):
    codes = [box.intake().tracking_code for _ in range(6)]
    link.fault = one_shot(fault)
    agent = box.agent()
    drain(agent)
    assert link.counters.faults.get(fault) == 1
    assert_feed_exactly_once(gateway, codes)


def test_answer_lost_after_store_then_retry_sends_same_sealed_bytes(gateway, link, box):
    box.intake()
    sealed = {r.seq: bytes(r.body) for r in box.box.outbox.pending()}
    link.fault = lambda index, head: "drop_answer" if index == 0 else "pass"
    agent = box.agent()
    first = agent.sync_once()
    assert not first.ok and box.box.outbox.depth() == len(sealed)   # kept until acked
    assert gateway.devices()[0]["held_seq"] == max(sealed)                 # ...though stored
    drain(agent)
    retry = decode_batch(link.captured[1])
    assert list(retry.bodies) == [sealed[seq] for seq in sorted(sealed)]   # sealed once


def test_old_batch_replayed_and_foreign_signature_store_nothing(gateway, link, box, process):
    codes = [box.intake().tracking_code for _ in range(3)]
    drain(box.agent())
    batches_before = gateway.models.BatchRow.select().count()
    old = link.captured[0]
    answer = requests.post(process.url + "/b", data=old, timeout=5)
    assert answer.status_code == 200
    assert gateway.models.BatchRow.select().count() == batches_before
    from tests.sync.devices import SimDevice
    other = SimDevice()
    other.pin(gateway.enroll(other.enroll_request(gateway.issue_token("KHR-0042"))))
    original = decode_batch(old)
    bodies = list(original.bodies)
    # Another enrolled device tags with its own key, or signs with its own, in the box's name.
    others_key = ack_key(other.exchange, other.pinned.exchange_key)
    for forged in (encode_tagged_batch(others_key, original.device_tag, 1, original.first_seq, bodies),
                   encode_batch(other.signing, box.box.keys.device_id, 1, original.first_seq, bodies)):
        refused = requests.post(process.url + "/b", data=forged, timeout=5)
        assert refused.status_code == 403
    assert_feed_exactly_once(gateway, codes)


def test_gateway_killed_and_restarted(gateway, link, box, process):
    agent = box.agent()
    codes = [box.intake().tracking_code for _ in range(3)]
    process.kill()
    result = agent.sync_once()
    assert not result.ok and "gateway" in result.error
    codes += [box.intake().tracking_code for _ in range(3)]
    process.start()
    # Killed while a batch is in flight: the request waits in the link, the gateway dies.
    link.fault = one_shot("delay")
    link.delay_seconds = 0.5
    import threading
    killer = threading.Timer(0.2, process.kill)
    killer.start()
    assert not agent.sync_once().ok
    killer.join()
    process.start()
    drain(agent)
    assert_feed_exactly_once(gateway, codes)


def test_box_killed_mid_send_resumes(gateway, link, box):
    codes = [box.intake().tracking_code for _ in range(5)]
    link.fault = one_shot("delay")
    link.delay_seconds = 3
    child = subprocess.Popen([EDGE, "--home", str(box.box.home), "sync", "now"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    # Killed while its batch is held in the link, sent but not yet answered.
    wait_until(lambda: link.counters.faults.get("delay") == 1, timeout=20,
               what="the batch held in the link")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    link.delay_seconds = 0.0
    drain(box.agent())
    assert_feed_exactly_once(gateway, codes)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", [None], ids=["sqlite"])     # once is enough
def test_randomised_campaign_of_a_thousand_batches(gateway, link, box, process, tmp_path):
    """Random faults on 40% of requests, the gateway killed now and then; at
    least 1,000 batches reach the gateway. Figures go to campaign.json."""
    seed = int(os.environ.get("EDGE_CAMPAIGN_SEED", "1405"))
    rng = random.Random(seed)
    link.delay_seconds = 0.01
    link.fault = random_faults(random.Random(seed + 1), rate=0.4)
    settings = box.box.settings.replace(sync_batch_min=1, sync_batch_max=3,
                                        sync_timeout_seconds=5.0)
    box.box.settings = settings
    agent = box.agent()
    # A second device speaks the protocol through the same faulty link.
    from tests.sync.devices import SimDevice
    other = SimDevice()
    other.pin(gateway.enroll(other.enroll_request(gateway.issue_token("KHR-0042"))))
    other_written, other_acked = 0, 0
    other_session = requests.Session()
    codes, attempts, failures, kills, started = [], 0, 0, 0, time.monotonic()
    while gateway.models.BatchRow.select().count() < 1000:
        for _ in range(rng.randint(1, 3)):
            codes.append(box.intake().tracking_code)
        other_written += rng.randint(0, 2)
        if rng.random() < 0.01:
            process.kill()
            kills += 1
        result = agent.sync_once()
        attempts += 1
        failures += not result.ok
        if other_written > other_acked:
            other_acked = sim_upload(other, other_session, link.url, other_acked, other_written)
        if process.process.poll() is not None:
            process.start()
        assert time.monotonic() - started < 600, "campaign too slow"
    link.fault = lambda index, head: "pass"
    drain(agent)
    while other_acked < other_written:
        other_acked = sim_upload(other, other_session, link.url, other_acked, other_written)
    assert_feed_exactly_once(gateway, codes)
    theirs = [r for r in gateway.feed(0, 100_000)["records"] if r["device"] == other.device_id]
    assert [r["seq"] for r in theirs] == list(range(1, other_written + 1))
    figures = {"seed": seed, "batches_stored": gateway.models.BatchRow.select().count(),
               "sync_attempts": attempts, "failed_syncs": failures, "gateway_kills": kills,
               "requests": link.counters.requests, "faults": link.counters.faults,
               "intakes": len(codes), "records": gateway.devices()[0]["held_seq"],
               "second_device_records": other_written,
               "seconds": round(time.monotonic() - started, 1)}
    (tmp_path / "campaign.json").write_text(json.dumps(figures, indent=1))
    print("CAMPAIGN", json.dumps(figures))


def sim_upload(device, session, url: str, acked: int, written: int) -> int:
    """One upload of the second device's unacknowledged records; the new acked seq."""
    last = min(written, acked + 5)
    wire = device.batch(acked + 1, [device.record(seq, event_type="rating.created")
                                    for seq in range(acked + 1, last + 1)])
    try:
        answer = session.post(url + "/v1/batches", data=wire, timeout=5)
    except requests.RequestException:
        return acked
    if answer.status_code != 200:
        return acked
    try:
        ack = decode_ack(answer.content)
        verify_ack(ack, ack_key(device.exchange, device.pinned.exchange_key), wire)
    except ProtocolError:
        return acked
    return max(acked, ack.held_seq)


def test_a_timeout_halves_the_batch_and_success_doubles_it(gateway, link, box):
    from sync_agent import state
    codes = [box.intake().tracking_code for _ in range(12)]
    box.box.settings = box.box.settings.replace(sync_timeout_seconds=0.3, sync_batch_min=8)
    agent = box.agent()
    link.fault = one_shot("delay")
    link.delay_seconds = 1.0
    result = agent.sync_once()
    assert not result.ok and "in time" in result.error
    assert state.get(box.box.store, state.BATCH_SIZE) == 4                  # 8 halved after the timeout
    wait_until(lambda: gateway.devices()[0]["held_seq"] > 0, what="the delayed batch stored")
    drain(agent)
    assert state.get(box.box.store, state.BATCH_SIZE) >= 8                  # grown again after successes
    assert_feed_exactly_once(gateway, codes)
