"""The demo's gateway half: an intake reaches the feed within seconds; while
the gateway is away the queue grows, and when it is back it drains."""

from __future__ import annotations

from sync_agent import status
from appliance.demo import enroll_demo_box, start_gateway
from tests.helpers import wait_until


def test_demo_gateway_enrolled_box_queue_grows_and_drains(make_box, tmp_path):
    tb = make_box()
    handle = start_gateway(tmp_path / "gateway", "DEMO-0001", "دفتر نمونه", port=0)
    agent = None
    try:
        enroll_demo_box(tb.box, handle)
        agent = tb.agent()
        agent.start()
        code = tb.intake().tracking_code
        wait_until(lambda: code in _codes(handle), timeout=10, what="the intake in the feed")
        # The acknowledgement only tells the newest bundle version; the agent
        # fetches the bundle after it, so wait for that too (not just assert).
        wait_until(lambda: status(tb.box)["bundle_version"] == 1, timeout=10,
                   what="the demo bundle on the box")
        handle.pause()
        waiting = [tb.intake().tracking_code for _ in range(3)]
        wait_until(lambda: status(tb.box)["last_error"], timeout=10, what="a sync error")
        assert status(tb.box)["queue_depth"] == 3
        handle.resume()
        wait_until(lambda: status(tb.box)["queue_depth"] == 0, timeout=15, what="the queue drained")
        assert _codes(handle)[-3:] == waiting
    finally:
        if agent is not None:
            agent.stop()
        handle.close()


def _codes(handle) -> list[str]:
    return [r["payload"]["tracking_code"] for r in handle.gateway.feed(0, 1000)["records"]
            if r["type"] == "intake.created"]


def test_demo_gateway_pauses_and_resumes_on_a_signal(tmp_path):
    import os
    import signal
    from appliance.demo import pause_on_signal
    handle = start_gateway(tmp_path / "gateway", "DEMO-0001", "office", port=0)
    previous = signal.getsignal(signal.SIGUSR2)
    try:
        assert "pauses the gateway" in pause_on_signal(handle, signal.SIGUSR2)
        os.kill(os.getpid(), signal.SIGUSR2)
        wait_until(lambda: handle.server is None)
        os.kill(os.getpid(), signal.SIGUSR2)
        wait_until(lambda: handle.server is not None)
    finally:
        signal.signal(signal.SIGUSR2, previous)
        handle.close()
