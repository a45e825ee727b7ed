"""An intake reaches the gateway within seconds of being written, a burst of
them in one exchange; after the link comes back the queue drains at the next
cheap probe, not after the long backoff. Real gateway, real waitress, the
agent's own thread, a LinkSim between them."""

from __future__ import annotations

import time

import pytest

from devtools.linksim import LinkSim
from tests.helpers import wait_until


@pytest.fixture
def link(gateway_url):
    port = int(gateway_url.rsplit(":", 1)[1])
    sim = LinkSim(port)
    yield sim
    sim.close()


def through(link: LinkSim, tb) -> None:
    with tb.box.store.write():
        tb.box.store.models.SyncEnrolment.update(gateway_url=link.url).execute()


def posts(link: LinkSim) -> int:
    return len(link.captured)


def test_a_burst_of_intakes_travels_as_one_batch_after_the_coalescing_delay(
        gateway, gateway_url, link, make_box):
    # interval one hour: only the intakes' own wake can send them
    tb = make_box(extra_settings="coalesce_seconds = 1.5\n")
    tb.box.settings = tb.box.settings.replace(sync_interval_seconds=3600)
    tb.enroll(gateway, gateway_url)
    through(link, tb)
    agent = tb.agent()
    agent.start()
    try:
        wait_until(lambda: agent.next_round_at is not None)    # the start's bundle check
        before = posts(link)
        written = time.monotonic()
        for _ in range(4):                      # one record each; the first batch takes 4
            tb.intake()
        time.sleep(0.5)
        assert tb.box.outbox.depth() == 4
        assert posts(link) == before, "sent before the coalescing delay was over"
        wait_until(lambda: tb.box.outbox.depth() == 0, timeout=10)
        arrived = time.monotonic() - written
        assert posts(link) == before + 1, "the burst did not share one exchange"
        assert 1.5 <= arrived < 6
        assert gateway.devices()[0]["held_seq"] >= 4
    finally:
        agent.stop()


def test_a_flapping_link_drains_at_the_probe_not_after_the_backoff(
        gateway, gateway_url, link, make_box):
    # A backoff of minutes: without the probe the queue would wait that long.
    tb = make_box(extra_settings="coalesce_seconds = 0.5\nprobe_seconds = 0.3\n")
    tb.box.settings = tb.box.settings.replace(sync_backoff_min_seconds=120,
                                              sync_backoff_max_seconds=600)
    tb.enroll(gateway, gateway_url)
    through(link, tb)
    agent = tb.agent()
    agent.start()
    try:
        for flap in range(3):
            link.set_up(False)
            tb.intake()
            tb.intake()
            wait_until(lambda: agent.state.value == "backing_off", timeout=10)
            assert agent.next_round_at - agent.monotonic() > 30
            time.sleep(1)                       # a few probes go unanswered
            assert tb.box.outbox.depth() >= 2
            link.set_up(True)
            returned = time.monotonic()
            wait_until(lambda: tb.box.outbox.depth() == 0, timeout=10)
            assert time.monotonic() - returned < 3, f"flap {flap}: waited for the backoff"
        assert gateway.devices()[0]["held_seq"] >= 6
    finally:
        agent.stop()
