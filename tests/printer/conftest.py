from __future__ import annotations

from datetime import datetime, timezone

import pytest

from edge.box import init_box, open_box
from edge.catalogue import DEMO_EFFECTIVE, DEMO_SERVICES, DEMO_VERSION, install_catalogue
from edge.clock import FakeClock
from edge.intake import IntakeRequest
from edge.users import add_user
from hardware.printer.simulator import PrinterSimulator


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc))


@pytest.fixture
def make_box(tmp_path, clock):
    """make_box(**settings) -> an initialised, attached box on a real SQLite
    file, with the demo catalogue and an operator."""
    boxes = []

    def make(**settings):
        home = tmp_path / f"box{len(boxes)}"
        box, _ = init_box(home, clock=clock)
        box.close()
        box = open_box(home, clock=clock)
        if settings:
            box.settings = box.settings.replace(**settings)
        box.attach_components()
        install_catalogue(box.store, box.events, DEMO_SERVICES, DEMO_VERSION, DEMO_EFFECTIVE)
        box.operator = add_user(box.store, box.events, "maryam", "مریم احمدی", "operator",
                                "a-long-password-1")
        boxes.append(box)
        return box

    yield make
    for box in boxes:
        box.close()


def new_intake(box, service_code="SMART-ID", fields=None):
    fields = {"request_kind": "صدور اول"} if fields is None else fields
    return box.intakes.create(IntakeRequest(
        service_code=service_code, national_code="0013542419", full_name="علی رضایی",
        mobile="09121234567", fields=fields), box.operator)


@pytest.fixture
def simulator(tmp_path):
    return PrinterSimulator(tmp_path / "sim")
