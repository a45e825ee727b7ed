"""One intake per submission: the Idempotency-Key of POST /api/v1/intakes,
on the real waitress server and by the rules directly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from edge.errors import InvalidInput, Unprocessable
from edge.intake import IntakeRequest
from tests.conftest import intake_body, login, make_user
from tests.test_api import assert_error


def counts(box) -> tuple[int, int]:
    """(intakes, outbox records about intakes)."""
    intakes = box.store.models.Intake.select().count()
    created = box.store.db.execute_sql(
        "SELECT count(*) FROM outbox_record WHERE event_type = 'intake.created'").fetchone()[0]
    return intakes, created


def test_a_repeat_with_the_same_key_and_body_gets_the_first_answer(api, box):
    headers = {"Idempotency-Key": "7d1c2a10-counter-3"}
    first = api.post("/api/v1/intakes", json=intake_body(), headers=headers)
    # the same body with its keys in another order is the same request
    reordered = dict(reversed(list(intake_body().items())))
    again = api.post("/api/v1/intakes", json=reordered, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert counts(box) == (1, 1)
    other_key = api.post("/api/v1/intakes", json=intake_body(),
                         headers={"Idempotency-Key": "another"})
    assert other_key.json()["tracking_code"] != first.json()["tracking_code"]
    assert api.post("/api/v1/intakes", json=intake_body()).status_code == 201   # no key: new
    assert counts(box) == (3, 3)


def test_the_same_key_with_another_body_is_refused(api, box):
    headers = {"Idempotency-Key": "k-1"}
    assert api.post("/api/v1/intakes", json=intake_body(), headers=headers).status_code == 201
    other = api.post("/api/v1/intakes", json=intake_body(mobile="09351234567"), headers=headers)
    error = assert_error(other, 422, "idempotency.key_reused", "Idempotency-Key")
    assert "کلید یکتایی" in error["message"]
    assert counts(box) == (1, 1)


@pytest.mark.parametrize("key", ["", "x" * 256, "کلید"])
def test_a_malformed_key_is_refused_in_persian(api, box, key):
    response = api.post("/api/v1/intakes", json=intake_body(),
                        headers={"Idempotency-Key": key.encode("utf-8")})
    assert_error(response, 400, "idempotency.key_invalid", "Idempotency-Key")
    assert counts(box) == (0, 0)


def test_keys_belong_to_their_user(server, box, operator):
    make_user(box, "sara", "operator")
    headers = {"Idempotency-Key": "same-key"}
    mine = login(server.url, "ali").post("/api/v1/intakes", json=intake_body(), headers=headers)
    hers = login(server.url, "sara").post("/api/v1/intakes", json=intake_body(), headers=headers)
    assert mine.json()["tracking_code"] != hers.json()["tracking_code"]


def test_concurrent_repeats_of_one_key_make_one_intake(server, box, operator):
    """Twelve clients' threads send the same submission at once: each waits
    for the writer, the first writes, the others find its key."""
    clients = [login(server.url, "ali") for _ in range(4)]
    headers = {"Idempotency-Key": "double-click"}

    def send(number: int):
        return clients[number % len(clients)].post("/api/v1/intakes", json=intake_body(),
                                                    headers=headers)

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(send, range(12)))
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["tracking_code"] for answer in answers}) == 1
    assert counts(box) == (1, 1)


def test_keys_are_kept_a_day_then_purged(box, clock, operator):
    request = IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی", "09121234567")
    first = box.intakes.create(request, operator, idempotency_key="morning")
    clock.advance(hours=23, minutes=59)
    assert box.intakes.create(request, operator, "morning").id == first.id
    with pytest.raises(Unprocessable):
        box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی",
                                         "09351234567"), operator, "morning")
    clock.advance(hours=1, minutes=2)
    box.intakes.create(request, operator, idempotency_key="later")   # stores one, purges old
    assert box.store.models.IdempotencyKey.select().count() == 1
    assert box.intakes.create(request, operator, "morning").id != first.id


def test_a_refused_request_keeps_no_key(box, operator):
    bad = IntakeRequest("HEALTH-INS", "0013542418", "زهرا احمدی", "09121234567")
    with pytest.raises(InvalidInput):
        box.intakes.create(bad, operator, idempotency_key="k")
    good = IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی", "09121234567")
    assert box.intakes.create(good, operator, idempotency_key="k").tracking_code
