"""Two boxes open in one process at once, each on its own file: every store
binds its own copies of the models, so neither sees the other's rows."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from edge import audit, users
from appliance.assembly import init_box, open_box
from edge.errors import NotFound
from appliance.demo import prepare_demo_box
from edge.intake import IntakeRequest
from edge.models import Intake, MODELS
from tests.conftest import PASSWORD

INTAKES_EACH = 12


@pytest.fixture
def two_boxes(tmp_path, clock):
    for name in ("north", "south"):
        made, _ = prepare_demo_box(tmp_path / name, clock)
        users.add_user(made.store, made.events, "ali", "Ali", "operator", PASSWORD)
        made.close()
    boxes = [open_box(tmp_path / name, clock=clock) for name in ("north", "south")]
    yield boxes
    for box in boxes:
        box.close()


def take_intakes(box, national_code: str, done: list, errors: list) -> None:
    operator = users.find(box.store, "ali")
    try:
        for _ in range(INTAKES_EACH):
            made = box.intakes.create(IntakeRequest(
                service_code="HEALTH-INS", national_code=national_code,
                full_name="زهرا احمدی", mobile="09121234567"), operator)
            done.append(made.tracking_code)
    except Exception as error:   # the assertion below shows it
        errors.append(error)


def rows_in_file(box, sql: str) -> list[tuple]:
    """Read the file itself, past peewee, so the test does not trust the binding it tests."""
    with sqlite3.connect(box.store.path) as connection:
        return connection.execute(sql).fetchall()


def test_two_boxes_take_intakes_at_once_and_each_file_holds_only_its_own(two_boxes):
    north, south = two_boxes
    assert north.keys.tag != south.keys.tag
    made = {"north": [], "south": []}
    errors: list = []
    threads = [threading.Thread(target=take_intakes, args=(box, code, made[name], errors))
               for name, box, code in (("north", north, "0013542419"),
                                       ("south", south, "4608968882"))
               for _ in range(2)]                     # two counters in each office
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for name, box, code in (("north", north, "0013542419"), ("south", south, "4608968882")):
        stored = rows_in_file(box, "SELECT tracking_code, national_code FROM intake")
        assert sorted(tracking for tracking, _ in stored) == sorted(made[name])
        assert {national for _, national in stored} == {code}
        assert all(tracking.replace("-", "").startswith(box.keys.tag) for tracking, _ in stored)
        outbox = rows_in_file(box, "SELECT seq FROM outbox_record WHERE event_type = 'intake.created'")
        assert len(outbox) == 2 * INTAKES_EACH
        assert audit.first_broken(box.store) is None
        assert box.intakes.get(made[name][0]).national_code == code
    with pytest.raises(NotFound):                     # a code of one office is unknown to the other
        south.intakes.get(made["north"][0])


def test_each_store_has_its_own_classes_and_the_declared_ones_stay_unbound(two_boxes):
    north, south = two_boxes
    assert Intake._meta.database is None
    assert north.store.models.Intake is not south.store.models.Intake
    assert north.store.models.Intake._meta.database is north.store.db
    assert north.store.models[Intake] is north.store.models.Intake
    assert issubclass(south.store.models.Intake, Intake)
    intake_service = north.store.models.Intake.service.rel_model
    assert intake_service is north.store.models.Service    # foreign keys point at the same store
    assert {model.__name__ for model in north.store.models} >= {model.__name__ for model in MODELS}


def test_a_box_opened_beside_another_does_not_disturb_it(tmp_path, clock, box, operator):
    other, _ = init_box(tmp_path / "other", clock)
    try:
        box.intakes.create(IntakeRequest(service_code="HEALTH-INS", national_code="0013542419",
                                         full_name="زهرا احمدی", mobile="09121234567"), operator)
        assert other.store.models.Intake.select().count() == 0
        assert box.store.models.Intake.select().count() == 1
    finally:
        other.close()


def test_two_boxes_and_a_gateway_in_one_process(two_boxes, tmp_path):
    """The whole system in one process: both boxes enrol with a gateway served
    from the same process, each on its own file, and sync; the feed holds every
    intake once, each under its own device."""
    from edge.parts import Parts
    from gateway.app import create_app
    from gateway.server import ServerThread
    from gateway.service import init_home
    from sync_agent import part as sync_part
    from sync_agent.enroll import enroll
    gateway = init_home(tmp_path / "gateway", None)
    server = ServerThread(create_app(gateway))
    try:
        made = {}
        for name, box, office in (("north", two_boxes[0], "KHR-0001"),
                                  ("south", two_boxes[1], "KHR-0002")):
            gateway.add_office(office, name)
            enroll(box, server.url, gateway.issue_token(office))
            made[name] = []
            take_intakes(box, "0013542419", made[name], [])
            agent = sync_part.build(box)
            box.fit(Parts(sync=agent, workers=agent.workers))
            assert agent.agent.sync_once().ok
        records = gateway.feed(0, 1000)["records"]
        by_device = {}
        for record in records:
            if record["type"] == "intake.created":
                by_device.setdefault(record["device"], []).append(record["payload"]["tracking_code"])
        assert sorted(by_device.values()) == sorted(made.values())
        assert {two_boxes[0].keys.device_id, two_boxes[1].keys.device_id} == set(by_device)
    finally:
        server.stop()
        gateway.close()
