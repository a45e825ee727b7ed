"""The licence states have one home, `wire.bundle.LICENCE_STATES`: the box's
store takes exactly those (its CHECK constraint says the same set)."""

from __future__ import annotations

import peewee
import pytest

from appliance.assembly import init_box
from wire.bundle import LICENCE_STATES


@pytest.fixture
def box(tmp_path):
    made, _ = init_box(tmp_path / "box")
    yield made
    made.close()


def test_the_store_keeps_every_licence_state_a_bundle_may_state(box):
    for number, state in enumerate(LICENCE_STATES):
        box.store.models.Office.create(code=f"T-{number}", name="دفتر", licence_number="1",
                                       licence_status=state)

    kept = [office.licence_status for office in box.store.models.Office.select()
            if office.code.startswith("T-")]
    assert sorted(kept) == sorted(LICENCE_STATES)


def test_the_store_refuses_a_state_outside_them(box):
    with pytest.raises(peewee.IntegrityError):
        box.store.models.Office.create(code="T-X", name="دفتر", licence_number="1",
                                       licence_status="lapsed")
