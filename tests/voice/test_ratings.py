"""Ratings by SMS reply: the parser (a property test), the matching rules on a
real box, and the whole path on the modem simulator over a pty."""

from __future__ import annotations

import string

from hypothesis import given, strategies as st

from edge.intake import IntakeRequest
from edge.voice.ratings import parse_rating
from hardware.modem.simulator import ModemSimulator
from tests.helpers import wait_until
from tests.modem import fit_modem

MOBILE = "+989121234567"
SCRIPTS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
spaces = st.text(alphabet=" \t", max_size=3)


@given(st.integers(1, 5), st.sampled_from(SCRIPTS), spaces, spaces, st.booleans(), spaces)
def test_one_digit_in_any_script_with_spaces_or_a_trailing_dot_is_a_rating(
        score, script, before, after, dot, tail):
    text = before + script[score] + after + ("." + tail if dot else "")
    assert parse_rating(text) == score


@given(st.sampled_from(SCRIPTS), st.integers(0, 99))
def test_other_numbers_and_opt_out_codes_are_not_ratings(script, number):
    text = "".join(script[int(d)] for d in str(number))
    assert parse_rating(text) == (number if 1 <= number <= 5 else None)
    assert parse_rating(script[1] + script[1]) is None and parse_rating(script[1] + script[2]) is None


@given(st.text(alphabet=string.ascii_letters + "سلام!؟, " + "".join(SCRIPTS), min_size=1))
def test_noise_is_never_a_rating_unless_it_is_one_digit(text):
    score = parse_rating(text)
    if score is not None:
        stripped = text.strip().rstrip(".").strip()
        assert len(stripped) == 1 and stripped in "".join(script[1:6] for script in SCRIPTS)


def new_done_intake(box, operator, mobile="09121234567"):
    intake = box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی", mobile),
                                operator)
    box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    return box.intakes.change_status(intake.tracking_code, "done", operator)


def test_a_reply_rates_the_latest_asking_intake_once(box, operator, clock):
    fit_modem(box)
    first = new_done_intake(box, operator)
    clock.advance(seconds=60)
    second = new_done_intake(box, operator)
    assert box.ratings.take_reply(MOBILE, "۴") == "rated"
    assert box.ratings.of(second).service == 4 and box.ratings.of(first) is None
    assert box.ratings.take_reply(MOBILE, "2") == "rated"      # the one before, still unrated
    assert box.ratings.of(first).service == 2
    assert box.ratings.take_reply(MOBILE, "5") == "duplicate"  # never overwrites
    assert (box.ratings.of(second).service, box.ratings.of(first).service) == (4, 2)
    assert box.ratings.of(second).channel == "sms" and box.ratings.of(second).staff is None
    records = box.store.models.OutboxRecord
    assert records.select().where(records.event_type == "rating.recorded").count() == 2


def test_late_unmatched_and_unreadable_replies_are_kept(box, operator, clock):
    fit_modem(box)
    intake = new_done_intake(box, operator)
    clock.advance(days=7, seconds=1)
    assert box.ratings.take_reply(MOBILE, "5") == "late"
    assert box.ratings.of(intake) is None
    assert box.ratings.take_reply("+989351112233", "3") == "unmatched"
    assert box.ratings.take_reply(MOBILE, "خیلی خوب بود") == "unreadable"
    kept = [(reply.outcome, reply.text) for reply in box.ratings.replies()]
    assert kept == [("unreadable", "خیلی خوب بود"), ("unmatched", "3"), ("late", "5")]


def test_an_intake_never_asked_is_not_rated(box, operator):
    fit_modem(box, modem_done_sms="")                        # no done text, so no question
    new_done_intake(box, operator)
    assert box.ratings.take_reply(MOBILE, "5") == "unmatched"


def test_a_rating_by_sms_end_to_end_on_the_simulator(box, operator, server):
    from tests.conftest import login
    with ModemSimulator() as sim:
        part = fit_modem(box, port=sim.port)
        part.worker.start()
        try:
            intake = new_done_intake(box, operator)
            assert wait_until(lambda: any("۱ تا ۵" in sent.text for sent in sim.sent))
            sim.receive_sms(MOBILE, " ۵. ")                      # +CMTI, then read and delete
            assert wait_until(lambda: box.ratings.of(intake) is not None)
            assert wait_until(lambda: sim.stored_indexes() == [])
        finally:
            part.worker.stop()
    api = login(server.url, operator.username)
    shown = api.get(f"/api/v1/intakes/{intake.tracking_code}").json()["rating"]
    assert (shown["service"], shown["staff"], shown["channel"]) == (5, None, "sms")
    assert box.store.models.SmsReceived.get().text == " ۵. "
    [reply] = box.store.models.CitizenReply.select()
    assert (reply.outcome, reply.intake_id) == ("rated", intake.id)

