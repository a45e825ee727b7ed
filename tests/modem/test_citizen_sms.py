"""The citizen's texts through the life of a request, and 11/12 in reply:
a real box, its real store, the modem simulator on a pty."""

from __future__ import annotations

import pytest

from edge import users
from edge.errors import Conflict
from edge.intake import IntakeRequest
from edge.parts import Parts
from hardware.modem.citizen import OPTED_OUT, fill, reply_command, with_opt_out_line
from hardware.modem.settings import DEFAULT_INTAKE_SMS, OPT_OUT_LINE
from tests.conftest import make_user
from tests.helpers import wait_until
from tests.modem import fit_modem

MOBILE = "+989121234567"


def new_intake(box, operator, mobile="09121234567"):
    return box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی", mobile),
                              operator)


def finish(box, operator, code):
    box.intakes.change_status(code, "in_progress", operator)
    return box.intakes.change_status(code, "done", operator)


def texts(box, code):
    return list(box.store.models.SmsMessage.select().where(
        box.store.models.SmsMessage.reference == code).order_by(box.store.models.SmsMessage.id))



def cancel(box, code: str) -> None:
    """A supervisor's cancellation: done at once, as the citizen's text follows it."""
    boss = users.find(box.store, "maryam") or make_user(box, "maryam", "supervisor")
    box.cancellations.cancel(code, boss, "citizen_withdrew")

def test_done_texts_the_code_and_asks_for_a_rating(box, operator):
    fit_modem(box)
    intake = new_intake(box, operator)
    finish(box, operator, intake.tracking_code)
    tracking, done = texts(box, intake.tracking_code)
    assert (tracking.purpose, done.purpose) == ("intake.tracking_code", "intake.done")
    assert done.recipient == MOBILE and intake.tracking_code in done.text
    assert "۱ تا ۵" in done.text
    assert tracking.text.endswith(OPT_OUT_LINE) and done.text.endswith(OPT_OUT_LINE)


def test_cancelled_texts_the_code_and_in_progress_texts_nothing(box, operator):
    fit_modem(box)
    intake = new_intake(box, operator)
    box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    assert len(texts(box, intake.tracking_code)) == 1
    cancel(box, intake.tracking_code)
    cancelled = texts(box, intake.tracking_code)[-1]
    assert cancelled.purpose == "intake.cancelled" and intake.tracking_code in cancelled.text
    assert "لغو شد" in cancelled.text and cancelled.text.endswith(OPT_OUT_LINE)


def test_a_template_from_the_settings_gets_the_opt_out_line(box, operator):
    fit_modem(box, modem_done_sms="کار {tracking_code} تمام شد", modem_cancelled_sms="")
    intake = new_intake(box, operator)
    finish(box, operator, intake.tracking_code)
    done = texts(box, intake.tracking_code)[-1]
    assert done.text == f"کار {intake.tracking_code} تمام شد\n{OPT_OUT_LINE}"
    other = new_intake(box, operator)
    cancel(box, other.tracking_code)
    assert [sms.purpose for sms in texts(box, other.tracking_code)] == ["intake.tracking_code"]


def test_an_unknown_placeholder_falls_back_to_the_default_text():
    values = {"tracking_code": "K7Q2-MX04-F7", "office": "دفتر ۱", "service": ""}
    assert fill("{nope}", DEFAULT_INTAKE_SMS, values) == DEFAULT_INTAKE_SMS.format(**values)
    assert with_opt_out_line(f"x\n{OPT_OUT_LINE}\n") == f"x\n{OPT_OUT_LINE}"


@pytest.mark.parametrize("text, command", [
    ("11", "11"), ("۱۱", "11"), ("١١", "11"), (" ۱ ۱. ", "11"), ("12", "12"), ("۱۲.", "12"),
    ("1", None), ("111", None), ("11 لطفا", None), ("", None), ("۱۳", None)])
def test_reply_commands(text, command):
    assert reply_command(text) == command


def test_11_stops_the_texts_and_12_resumes_them_end_to_end(box, operator, sim):
    part = fit_modem(box, port=sim.port)
    waiting = new_intake(box, operator)
    part.worker.start()
    try:
        assert wait_until(lambda: sim.sent)                      # the tracking code went out
        assert wait_until(lambda: "AT+CNMI=2,1,0,1,0" in sim.commands)
        queued = part.outbox.queue(MOBILE, "still waiting", purpose="intake.done",
                                   reference=waiting.tracking_code)
        part.worker.stop()                                       # so it stays queued
        part = refit(box, sim)
        sim.receive_sms(MOBILE, "۱۱")                            # +CMTI while the box is off
        part.worker.start()
        assert wait_until(lambda: part.citizen.opt_outs.is_out(MOBILE))
        assert wait_until(lambda: sim.stored_indexes() == [])    # deleted after it was stored
        assert part.outbox.get(queued.id).status == "failed"
        assert "11" in part.outbox.get(queued.id).last_error
        finish(box, operator, waiting.tracking_code)
        assert [sms.purpose for sms in texts(box, waiting.tracking_code)] == [
            "intake.tracking_code", "intake.done"]               # no new one: opted out
        with pytest.raises(Conflict):
            part.resend(queued.id, waiting.tracking_code)
        sim.receive_sms(MOBILE, "12")
        assert wait_until(lambda: not part.citizen.opt_outs.is_out(MOBILE))
        later = new_intake(box, operator)
        cancel(box, later.tracking_code)
        assert wait_until(lambda: any("لغو شد" in sent.text for sent in sim.sent))
    finally:
        part.worker.stop()
    rows = box.store.models.SmsOptOut
    assert [(row.number, row.opted_out) for row in rows.select().order_by(rows.id)] == [
        (MOBILE, 1), (MOBILE, 0)]
    assert all(row.inbox_id for row in rows.select())


def refit(box, sim):
    """The box after a restart of its parts (the same store)."""
    box.parts, box.intake_hooks[:], box.status_hooks[:] = Parts(), [], []
    return fit_modem(box, port=sim.port)


def test_a_box_stopped_between_receipt_and_storage_loses_nothing(box, operator, sim):
    part = fit_modem(box, port=sim.port)

    def dies_half_way(received):
        raise RuntimeError("power cut before the commit")

    part.worker.on_received = dies_half_way
    sim.receive_sms(MOBILE, "11")
    part.worker.start()
    try:
        assert wait_until(lambda: any(command.startswith("AT+CMGR") for command in sim.commands))
    finally:
        part.worker.stop()
    assert box.store.models.SmsReceived.select().count() == 0   # rolled back with the handler
    assert sim.stored_indexes() != []                          # so still on the SIM
    part = refit(box, sim)
    part.worker.start()
    try:
        assert wait_until(lambda: part.citizen.opt_outs.is_out(MOBILE))
        assert wait_until(lambda: sim.stored_indexes() == [])
    finally:
        part.worker.stop()
    assert box.store.models.SmsReceived.select().count() == 1


def test_resend_queues_a_copy_of_a_failed_text(box, operator):
    part = fit_modem(box)
    intake = new_intake(box, operator)
    [first] = texts(box, intake.tracking_code)
    part.outbox.withdraw(MOBILE, OPTED_OUT)
    [described] = part.messages_about(intake.tracking_code)
    assert (described["state"], described["reason"]) == ("failed", OPTED_OUT)
    part.resend(first.id, intake.tracking_code)
    again = texts(box, intake.tracking_code)[-1]
    assert (again.id != first.id, again.status, again.text) == (True, "queued", first.text)
