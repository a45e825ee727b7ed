"""The business day: its totals (X), its close (Z), card payments listed by
RRN, reversals on the day they are approved, and intakes racing a close."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import requests

from edge.daybook import closing
from edge.daybook.totals import day_totals
from edge.errors import Conflict, Forbidden, InvalidInput
from edge.intake import IntakeRequest
from tests.conftest import intake_body, login, make_user
from tests.helpers import wait_until
from tests.test_api import assert_error

TODAY = date(2026, 12, 1)          # the fake clock's day: 1405/09/10, 11:30 in Tehran
TOMORROW = date(2026, 12, 2)


def request(**overrides) -> IntakeRequest:
    values = dict(service_code="HEALTH-INS", national_code="0013542419",
                  full_name="زهرا احمدی", mobile="09121234567")
    values.update(overrides)
    return IntakeRequest(**values)


def card(rrn: str, **overrides) -> IntakeRequest:
    return request(payment_method="card", payment_reference=rrn, card_last4="6037", **overrides)


def cancel(box, code: str, supervisor) -> None:
    """An approved cancellation (its fee given back)."""
    box.cancellations.cancel(code, supervisor, "citizen_withdrew")


@pytest.fixture
def supervisor(box):
    return make_user(box, "maryam", "supervisor")


def test_the_running_totals_per_service_payment_and_operator(box, operator, supervisor):
    cash = box.intakes.create(request(), operator)
    paid = box.intakes.create(card("123456789012"), operator)
    box.intakes.create(request(service_code="POST-PARCEL", fields={
        "postcode": "1234567890", "weight_grams": "500"}), supervisor)
    cancel(box, cash.tracking_code, supervisor)
    totals = day_totals(box.store, TODAY)
    assert totals["date"] == "1405/09/10"
    assert (totals["intakes"], totals["fees_rials"]) == (3, 450_000 * 2 + 780_000)
    assert [(line["code"], line["intakes"], line["fees_rials"]) for line in totals["services"]] \
        == [("HEALTH-INS", 2, 900_000), ("POST-PARCEL", 1, 780_000)]
    assert totals["payments"]["cash"] == {"intakes": 2, "rials": 450_000 + 780_000}
    assert totals["payments"]["card"]["references"] == [
        {"tracking_code": paid.tracking_code, "rrn": "123456789012", "card_last4": "6037",
         "rials": 450_000}]
    # the cancelled intake's fee counted when taken, and given back as a reversal
    assert totals["reversals"]["count"] == 1 and totals["reversals"]["cash_rials"] == 450_000
    assert totals["reversals"]["items"][0]["tracking_code"] == cash.tracking_code
    assert totals["cash_expected_rials"] == 780_000 and totals["card_net_rials"] == 450_000
    ali, maryam = totals["operators"]
    assert (ali["username"], ali["intakes"], ali["cash_rials"], ali["card_rials"],
            ali["reversed_cash_rials"], ali["cash_expected_rials"]) == \
        ("ali", 2, 450_000, 450_000, 450_000, 0)
    assert (maryam["username"], maryam["cash_expected_rials"]) == ("maryam", 780_000)


def test_a_close_keeps_the_count_and_the_difference_once(box, operator, supervisor, clock):
    box.intakes.create(request(), operator)
    closed = closing.close_day(box.store, box.events, supervisor, 440_000)
    assert closed["closed"] is True and closed["closed_by"] == "maryam"
    assert (closed["cash_expected_rials"], closed["cash_counted_rials"],
            closed["difference_rials"]) == (450_000, 440_000, -10_000)
    with pytest.raises(Conflict) as twice:
        closing.close_day(box.store, box.events, supervisor, 450_000)
    assert twice.value.code == "day.already_closed"
    # in the same minute, after the close: the next business day
    late = box.intakes.create(request(), operator)
    assert closing.report(box.store, TODAY) == closed
    tomorrow = closing.report(box.store, TOMORROW)
    assert tomorrow["closed"] is False and tomorrow["intakes"] == 1
    assert tomorrow["date"] == "1405/09/11"
    cancel(box, late.tracking_code, supervisor)       # reversed after the close
    assert closing.report(box.store, TODAY) == closed
    assert closing.report(box.store, TOMORROW)["reversals"]["count"] == 1
    clock.advance(days=1)
    assert closing.close_day(box.store, box.events, supervisor, 0)["difference_rials"] == 0
    sent = box.store.db.execute_sql(
        "SELECT count(*) FROM outbox_record WHERE event_type = 'day.closed'").fetchone()[0]
    assert sent == 2


def test_only_a_supervisor_closes_with_a_whole_non_negative_count(box, operator, supervisor):
    with pytest.raises(Forbidden):
        closing.close_day(box.store, box.events, operator, 0)
    for wrong in (-1, 1.5, "100", True, 10**16):
        with pytest.raises(InvalidInput):
            closing.close_day(box.store, box.events, supervisor, wrong)
    assert box.store.models.DayClose.select().count() == 0


def test_intakes_racing_a_close_each_land_in_exactly_one_day(box, operator, supervisor):
    """Counters keep recording while the supervisor closes: whatever the
    order, the closed totals are exactly the intakes of the closed day."""
    made: list = []
    start = threading.Barrier(5)

    def counter(number: int) -> None:
        start.wait()
        for turn in range(15):
            made.append(box.intakes.create(card(f"{number:02d}{turn:010d}"), operator))

    threads = [threading.Thread(target=counter, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    start.wait()
    wait_until(lambda: len(made) >= 20)       # close in the middle of the counters' work
    closed = closing.close_day(box.store, box.events, supervisor, 0)
    for thread in threads:
        thread.join()
    assert len(made) == 60
    after = closing.report(box.store, TOMORROW)
    assert 20 <= closed["intakes"] < 60 and closed["intakes"] + after["intakes"] == 60
    assert day_totals(box.store, TODAY)["intakes"] == closed["intakes"]   # nothing came in late
    in_close = {line["tracking_code"] for line in closed["payments"]["card"]["references"]}
    in_next = {line["tracking_code"] for line in after["payments"]["card"]["references"]}
    assert not in_close & in_next and in_close | in_next == {item.tracking_code for item in made}


def test_day_close_and_day_report_through_the_api(server, box, operator, supervisor):
    clerk = login(server.url, "ali")
    boss = login(server.url, "maryam")
    made = clerk.post("/api/v1/intakes", json=intake_body(payment={
        "method": "card", "reference": "123456789012", "card_last4": "6037"}))
    assert made.status_code == 201
    running = boss.get("/api/v1/reports/day")
    assert running.status_code == 200 and running.json()["closed"] is False
    assert running.json()["payments"]["card"]["references"][0]["rrn"] == "123456789012"
    assert_error(clerk.post("/api/v1/day-close", json={"cash_counted_rials": 0}), 403,
                 "auth.forbidden")
    assert_error(boss.post("/api/v1/day-close", json={"cash_counted_rials": "صفر"}), 400,
                 "field.type", "cash_counted_rials")
    assert_error(boss.post("/api/v1/day-close", json={"cash_counted_rials": -5}), 400,
                 "field.range", "cash_counted_rials")
    closed = boss.post("/api/v1/day-close", json={"cash_counted_rials": 0})
    assert closed.status_code == 201, closed.text
    assert closed.json()["closed"] is True and closed.json()["card_net_rials"] == 450_000
    again = boss.post("/api/v1/day-close", json={"cash_counted_rials": 0})
    error = assert_error(again, 409, "day.already_closed", "date")
    assert "۱۴۰۵/۰۹/۱۰" in error["message"] or "1405/09/10" in error["message"]
    kept = boss.get("/api/v1/reports/day", params={"date": "۱۴۰۵/۰۹/۱۰"})
    assert kept.json() == closed.json()
    assert boss.get("/api/v1/reports/day").json()["date"] == "1405/09/11"   # today's is next
    assert_error(boss.get("/api/v1/reports/day", params={"date": "1405/13/01"}), 400,
                 "field.jalali_date", "date")
    assert_error(clerk.get("/api/v1/reports/day"), 403, "auth.forbidden")
    paths = requests.get(server.url + "/api/v1/openapi.json", timeout=5).json()["paths"]
    assert {"/api/v1/day-close", "/api/v1/reports/day"} <= set(paths)
