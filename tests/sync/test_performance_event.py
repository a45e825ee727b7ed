"""The daily performance event reaches a real gateway's feed, opened, like
any other event of the box."""

from __future__ import annotations

import pytest

from edge.clock import FakeClock
from edge.performance.daily import EVENT_TYPE, send_due


@pytest.fixture(params=["sqlite"])
def db_url(request):
    return None


def test_the_days_figures_reach_the_gateways_feed(gateway, gateway_url, make_box):
    clock = FakeClock()                                  # Tuesday 10 Azar 1405, 11:30
    tb = make_box(clock=clock)
    tb.enroll(gateway, gateway_url)
    tb.intake("HEALTH-INS")
    tb.intake("SANA-REG")
    clock.advance(hours=9)                               # 20:30: the day's event is due
    assert send_due(tb.box) == 1
    tb.agent().sync_once()
    events = [record for record in gateway.feed(0, 1000)["records"]
              if record["type"] == EVENT_TYPE]
    assert len(events) == 1
    day = events[0]["payload"]
    assert day["date"] == "1405/09/10" and day["intakes"] == 2
    assert day["fees_rials"] == 450_000 + 350_000
    assert events[0]["office"] == "KHR-0042"
    clock.advance(hours=1)
    assert send_due(tb.box) == 0                         # once a day
