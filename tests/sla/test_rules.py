"""The service-level clock, rule by rule: office hours of the business
calendar (Friday, Thursday, Nowruz), pauses, met and missed, recomputation."""

from __future__ import annotations

from datetime import date, datetime, time

import jdatetime
import pytest

from edge.jalali import IRAN
from edge.sla.calendar import BusinessCalendar
from edge.sla.rules import Change, Targets, assess

PAUSING = ("waiting_citizen", "waiting_agency")


def jalali(year, month, day, hour=0, minute=0) -> datetime:
    """An Iran-time moment given by its Jalali date."""
    gregorian = jdatetime.date(year, month, day).togregorian()
    return datetime.combine(gregorian, time(hour, minute), IRAN)


def jday(year, month, day) -> date:
    return jdatetime.date(year, month, day).togregorian()


# The centre's list for Nowruz 1405: 29 Esfand and 1 to 4 Farvardin.
NOWRUZ = frozenset({jday(1404, 12, 29), *(jday(1405, 1, day) for day in (1, 2, 3, 4))})
PLAIN = BusinessCalendar()
WITH_NOWRUZ = BusinessCalendar(closed_days=NOWRUZ)


def level(history, hours, now, calendar=PLAIN, first=None):
    return assess([Change(status, at) for status, at in history], Targets(hours, first),
                  calendar, now, PAUSING)


def test_the_week_has_friday_off_and_a_short_thursday():
    wednesday = jalali(1405, 9, 11)          # 2 December 2026
    assert wednesday.date().weekday() == 2
    assert PLAIN.open_seconds(wednesday, jalali(1405, 9, 14)) == (8 + 4) * 3600  # Wed, Thu, Fri
    thursday_off = BusinessCalendar(thursday_closes=None)
    assert thursday_off.open_seconds(wednesday, jalali(1405, 9, 14)) == 8 * 3600
    # Friday evening plus eight office hours is Saturday's closing time
    assert PLAIN.add_open_seconds(jalali(1405, 9, 13, 18), 8 * 3600) == jalali(1405, 9, 14, 16)


def test_due_time_crosses_a_friday_and_nowruz():
    """Wednesday 27 Esfand 14:00 with eight office hours: Wednesday's last two,
    Thursday's four, then Friday and the four days of Nowruz pass closed,
    and Wednesday 5 Farvardin brings the last two."""
    received = jalali(1404, 12, 27, 14)
    history = [("received", received)]
    without = level(history, 8, received, PLAIN)
    assert without.due_at == jalali(1405, 1, 1, 10)        # Saturday, were it not Nowruz
    found = level(history, 8, received, WITH_NOWRUZ)
    assert found.due_at == jalali(1405, 1, 5, 10)
    assert (found.state, found.paused) == ("on_time", False)


def test_a_new_closure_recomputes_the_due_time():
    received = jalali(1405, 9, 14, 8)        # Saturday 08:00, a 16-hour target: Sunday 16:00
    history = [("received", received)]
    assert level(history, 16, received).due_at == jalali(1405, 9, 15, 16)
    snowed_in = BusinessCalendar(closed_days=frozenset({jday(1405, 9, 15)}))
    assert level(history, 16, received, snowed_in).due_at == jalali(1405, 9, 16, 16)


def test_waiting_on_the_citizen_stops_the_clock():
    received = jalali(1405, 9, 14, 8)                      # Saturday
    waiting = jalali(1405, 9, 14, 10)                      # two hours used
    back = jalali(1405, 9, 15, 12)                         # Sunday noon
    history = [("received", received), ("waiting_citizen", waiting)]
    paused = level(history, 8, jalali(1405, 9, 15, 9))
    assert paused.paused and paused.state == "on_time"
    assert paused.due_at == jalali(1405, 9, 15, 15)        # six hours from now, were it to resume
    resumed = level([*history, ("in_progress", back)], 8, back)
    assert not resumed.paused
    assert resumed.due_at == jalali(1405, 9, 16, 10)       # Sunday 12-16, then Monday 08-10


def test_open_states_on_time_due_soon_overdue():
    received = jalali(1405, 9, 14, 8)
    history = [("received", received)]
    assert level(history, 8, jalali(1405, 9, 14, 9)).state == "on_time"
    assert level(history, 8, jalali(1405, 9, 14, 14, 30)).state == "due_soon"   # 1.5 h of 8 left
    assert level(history, 8, jalali(1405, 9, 14, 16, 1)).state == "overdue"
    # after closing time nothing more is used: still due at 16:00, not later
    assert level(history, 8, jalali(1405, 9, 14, 20)).due_at == jalali(1405, 9, 14, 16)


def test_met_and_missed_from_the_time_it_was_done():
    received = jalali(1405, 9, 14, 8)
    on_time = [("received", received), ("in_progress", jalali(1405, 9, 14, 9)),
               ("done", jalali(1405, 9, 14, 15))]
    assert level(on_time, 8, jalali(1405, 9, 19)).state == "met"
    late = [*on_time[:2], ("done", jalali(1405, 9, 15, 9))]
    assert level(late, 8, jalali(1405, 9, 19)).state == "missed"


def test_cancelled_owes_no_service_level():
    received = jalali(1405, 9, 14, 8)
    history = [("received", received), ("cancelled", jalali(1405, 9, 14, 9))]
    assert level(history, 8, jalali(1405, 9, 15)) is None


@pytest.mark.parametrize("acted_hour, state", [(9, "met"), (11, "missed")])
def test_first_action_target(acted_hour, state):
    """Two office hours to the first action: acting at 11:00 misses it even
    when the work is done in time."""
    received = jalali(1405, 9, 14, 8)
    history = [("received", received), ("in_progress", jalali(1405, 9, 14, acted_hour)),
               ("done", jalali(1405, 9, 14, 12))]
    assert level(history, 8, jalali(1405, 9, 15), first=2).state == state


def test_a_pending_first_action_is_what_falls_due():
    received = jalali(1405, 9, 14, 8)
    history = [("received", received)]
    pending = level(history, 8, jalali(1405, 9, 14, 9), first=2)
    assert pending.due_at == jalali(1405, 9, 14, 10)
    assert level(history, 8, jalali(1405, 9, 14, 10, 30), first=2).state == "overdue"
