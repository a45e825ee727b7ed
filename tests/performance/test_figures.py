"""The performance figures, computed from known intakes (conftest.known)."""

from __future__ import annotations

import pytest

from edge.performance.figures import MAX_DAYS, figures
from tests.performance.conftest import TUESDAY, WEDNESDAY


def test_figures_per_day_service_and_operator_from_known_intakes(known, clock):
    found = figures(known.store, known.settings, TUESDAY, WEDNESDAY, clock.now())
    by_day = {day: tally.as_dict() for day, tally in found.days.items()}
    assert by_day[TUESDAY] == {"intakes": 2, "fees_rials": 500_000, "sla_met": 1, "sla_missed": 1,
                               "ratings": 1, "satisfaction": 4.0}
    assert by_day[WEDNESDAY] == {"intakes": 2, "fees_rials": 500_000, "sla_met": 0,
                                 "sla_missed": 1, "ratings": 1, "satisfaction": 2.0}
    services = {line.key: line.tally.as_dict() for line in found.services}
    assert services == {
        "HEALTH-INS": {"intakes": 2, "fees_rials": 900_000, "sla_met": 1, "sla_missed": 0,
                       "ratings": 2, "satisfaction": 3.0},
        "BILL-PAY": {"intakes": 2, "fees_rials": 100_000, "sla_met": 0, "sla_missed": 2,
                     "ratings": 0, "satisfaction": None}}
    operators = {line.key: line.tally.as_dict() for line in found.operators}
    assert operators["ali"] == {"intakes": 2, "fees_rials": 500_000, "sla_met": 1,
                                "sla_missed": 1, "ratings": 1, "satisfaction": 4.0}
    assert operators["sara"]["sla_missed"] == 1 and operators["sara"]["satisfaction"] == 2.0
    assert found.total.intakes == 4 and found.total.fees_rials == 1_000_000


def test_a_day_alone_and_a_day_without_intakes(known, clock):
    tuesday = figures(known.store, known.settings, TUESDAY, TUESDAY, clock.now())
    assert tuesday.total.intakes == 2 and list(tuesday.days) == [TUESDAY]
    empty = figures(known.store, known.settings, WEDNESDAY.replace(day=20),
                    WEDNESDAY.replace(day=20), clock.now())
    assert empty.total.intakes == 0 and empty.services == [] and empty.total.satisfaction is None


def test_a_reversed_or_too_long_range_is_refused(known, clock):
    with pytest.raises(ValueError):
        figures(known.store, known.settings, WEDNESDAY, TUESDAY, clock.now())
    with pytest.raises(ValueError):
        figures(known.store, known.settings, TUESDAY.replace(year=2024), TUESDAY, clock.now())
    assert MAX_DAYS < (TUESDAY - TUESDAY.replace(year=2024)).days


def test_the_service_levels_read_a_slice_at_a_time_come_out_the_same(known, clock, monkeypatch):
    whole = figures(known.store, known.settings, TUESDAY, WEDNESDAY, clock.now())
    monkeypatch.setattr("edge.performance.figures.SLICE", 1)
    sliced = figures(known.store, known.settings, TUESDAY, WEDNESDAY, clock.now())
    assert sliced.total == whole.total and sliced.days == whole.days
