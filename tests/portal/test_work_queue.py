"""The dashboard as the operator's work queue, in the real browser: open
intakes due first at the top, overdue ones marked, the next status a click
away, cancel only after a confirmation with a reason, filters, and totals
that open their lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edge import users
from tests.portal.conftest import Tab, logged_in, make_intake


@pytest.fixture
def queued(portal):
    """Three intakes on Tuesday 10 Azar, 11:30; then the clock goes to Sunday
    11:30, when SANA's 24 office hours (due Saturday 15:30) have run out."""
    client = logged_in(portal, "operator")
    codes = {service: make_intake(client, service_code=service)
             for service in ("POST-PARCEL", "HEALTH-INS", "SANA-REG")}
    portal.clock.set(portal.clock.now() + timedelta(days=5))
    return codes


@pytest.fixture
def tab(browser, portal):
    opened = Tab(browser, portal)
    yield opened
    opened.close()


def rows(page) -> list[str]:
    return [row.get_attribute("id").removeprefix("work-")
            for row in page.locator("#queue tbody tr").all()]


def test_the_queue_puts_what_is_due_first_and_acts_in_one_click(tab, portal, queued):
    page = tab.login("operator")
    assert rows(page) == [queued["SANA-REG"], queued["HEALTH-INS"], queued["POST-PARCEL"]]
    overdue = page.locator(f"#work-{queued['SANA-REG']}")
    assert "sla-overdue" in overdue.get_attribute("class")
    # due Saturday 15:30: half an hour of Saturday and Sunday's 08:00-11:30 past it
    assert overdue.locator(".time-left").inner_text() == "۴ ساعت وقت اداری از موعد گذشته"
    health = page.locator(f"#work-{queued['HEALTH-INS']}")
    assert health.locator(".time-left").inner_text() == "۲۰ ساعت وقت اداری مانده"
    tab.shot("fa-desktop-work-queue")

    tab.submit(f"#work-{queued['HEALTH-INS']} button[data-to=in_progress]")
    assert page.url.endswith("/?done=status#queue")
    assert "در حال انجام" in page.locator(f"#work-{queued['HEALTH-INS']} .badge").inner_text()

    post = f"#work-{queued['POST-PARCEL']}"
    assert not page.locator(f"{post} button[data-to=cancelled]").is_visible()   # not yet
    page.click(f"{post} summary")
    page.select_option(f"#reason-{queued['POST-PARCEL']}", "citizen_withdrew")
    page.fill(f"#note-{queued['POST-PARCEL']}", "متقاضی منصرف شد")
    tab.submit(f"{post} button[data-to=cancelled]")   # an operator's: a request to a supervisor
    pending = portal.box.cancellations.latest_for(
        portal.box.intakes.get(queued["POST-PARCEL"]))
    assert (pending.state, pending.reason) == ("pending", "citizen_withdrew")
    portal.box.cancellations.approve(pending.id, users.find(portal.box.store, "supervisor"))

    page.select_option("#q-state", "overdue")
    tab.submit("#queue-filters button")
    assert rows(page) == [queued["SANA-REG"]]
    page.select_option("#q-state", "")
    page.select_option("#q-service", "HEALTH-INS")
    tab.submit("#queue-filters button")
    assert rows(page) == [queued["HEALTH-INS"]]

    portal.clock.set(portal.clock.now() - timedelta(days=5))   # back to the intakes' day
    tab.go("/")
    tab.submit("#tile-cancelled")
    assert queued["POST-PARCEL"] in page.locator("main").inner_text()
    assert queued["HEALTH-INS"] not in page.locator("main").inner_text()
