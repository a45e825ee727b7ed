"""What one exchange costs on the link, and records sealed before the wire
format changed: still sent and read after the upgrade."""

from __future__ import annotations

import pytest
import requests

from devtools.linksim import LinkSim
from wire.batch import decode_batch
from wire.records import SEALING_HPKE
from tests.sync.devices import seal_before_upgrade


@pytest.fixture(params=["sqlite"])
def db_url(request):
    return None     # bytes on the link do not depend on the gateway's database


@pytest.fixture
def link(gateway_url):
    port = int(gateway_url.rsplit(":", 1)[1])
    link = LinkSim(port)
    yield link
    link.close()


def test_one_intake_costs_one_small_exchange(gateway, gateway_url, link, make_box):
    """A tagged batch to the short path, an answer without Date: an intake
    costs ~330 bytes both ways (it was ~480 with a signed batch and Date)."""
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    with tb.box.store.write():
        tb.box.store.models.SyncEnrolment.update(gateway_url=link.url).execute()
    agent = tb.agent()
    assert agent.sync_once(force_bundle=True).ok
    before = link.counters.up + link.counters.down
    heads = []
    link.fault = lambda index, head: heads.append(head) or "pass"
    tb.intake()
    assert agent.sync_once().ok
    assert [head.split(b"\r\n")[0] for head in heads] == [b"POST /b HTTP/1.1"]
    batch = decode_batch(link.captured[-1])
    assert batch.tagged and batch.device_tag == tb.box.keys.tag
    assert link.counters.up + link.counters.down - before <= 340
    answer = requests.get(gateway_url + "/v1/health", timeout=5)
    assert "Date" not in answer.headers and "Server" not in answer.headers
    assert answer.headers["X-Gateway-Time"].isdigit()      # the time its clients read


def test_records_sealed_before_the_upgrade_are_sent_and_read(gateway, gateway_url, make_box):
    """Records sealed with the first dictionary (codec 1) wait in the outbox
    when the box is upgraded: it sends them in tagged batches, and the
    gateway opens them as they were written."""
    tb = make_box()
    codes = [tb.intake().tracking_code for _ in range(3)]
    records = tb.box.store.models.OutboxRecord
    recipient = gateway.keys.exchange.public_key()
    with tb.box.store.write():        # sealed as the old box sealed them, before enrolment's reseal
        for record in records.select():
            old = seal_before_upgrade(bytes(record.body), recipient, tb.box.keys.device_id,
                                      record.seq)
            records.update(sealing=SEALING_HPKE, body=old).where(records.seq == record.seq).execute()
    tb.enroll(gateway, gateway_url)
    assert tb.agent().sync_once().ok
    feed = gateway.feed(0, 100)["records"]
    assert [r["payload"]["tracking_code"] for r in feed if r["type"] == "intake.created"] == codes
    assert tb.box.outbox.depth() == 0
