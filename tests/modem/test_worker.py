"""The modem worker thread with the simulator on a pty and the outbox in SQLite."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest

from appliance.assembly import load_settings
from edge.parts import Parts
from hardware.modem import part as modem_part
from hardware.modem.driver import Modem
from hardware.modem.simulator import ModemSimulator
from hardware.modem.worker import ModemWorker
from tests.helpers import wait_until



@pytest.fixture
def run_worker(sim, outbox, clock, tmp_path):
    workers = []

    def start(**options):
        modem = Modem(sim.port, command_timeout=0.5, send_timeout=2.0)
        worker = ModemWorker(modem, outbox, clock, idle_seconds=0.05, refresh_seconds=0.5,
                             recheck_seconds=0.3, backoff_seconds=0.2, status_file=tmp_path / "run" / "modem.json", **options)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def status_of(outbox, message_id):
    return outbox.get(message_id).status


def test_queued_sms_is_sent_and_delivered(run_worker, outbox, sim):
    message = outbox.queue("09121234567", "درخواست شما ثبت شد. کد رهگیری: K7Q2-MX04-F7")
    worker = run_worker()
    assert wait_until(lambda: status_of(outbox, message.id) == "delivered")
    assert sim.sent[0].text == "درخواست شما ثبت شد. کد رهگیری: K7Q2-MX04-F7"
    # the status is a snapshot the worker refreshes after its round
    status = wait_until(lambda: (s := worker.status())["outbox"].get("delivered") == 1 and s)
    assert status["state"] == "ready" and status["words"]["en"] == "ready to send SMS"
    assert status["operator"] == "IR-MCI"


def test_received_multipart_sms_is_stored_then_deleted(run_worker, outbox, sim):
    received = []
    run_worker(on_received=received.append)
    assert wait_until(lambda: "AT+CNMI=2,1,0,1,0" in sim.commands)
    text = "شکایت: " + "صف طولانی بود. " * 12
    sim.receive_sms("+989351112233", text, reference=3)
    assert wait_until(lambda: len(received) == 1)
    assert received[0].text == text
    assert wait_until(lambda: sim.stored_indexes() == [])   # deleted after the commit
    assert outbox.received()[0].text == text


def test_messages_waiting_on_the_sim_are_read_at_start(run_worker, outbox, sim):
    sim.receive_sms("+989351112233", "while you were off")
    run_worker()
    assert wait_until(lambda: [r.text for r in outbox.received()] == ["while you were off"])
    assert wait_until(lambda: sim.stored_indexes() == [])


def test_cms_errors_are_retried_until_sent(run_worker, outbox, sim, clock):
    sim.set_fault("cms", code=42, times=2)
    message = outbox.queue("+989121234567", "hi")
    run_worker()
    for attempt in (1, 2):
        assert wait_until(lambda: outbox.get(message.id).attempts == attempt
                          and status_of(outbox, message.id) == "queued")
        assert outbox.get(message.id).last_error == "the network is congested"
        clock.advance(3600)
    assert wait_until(lambda: status_of(outbox, message.id) in ("sent", "delivered"))
    assert outbox.get(message.id).attempts == 3


def test_gives_up_after_the_last_attempt(run_worker, outbox, sim, clock):
    sim.set_fault("cms", code=38)
    message = outbox.queue("+989121234567", "hi")
    run_worker()
    for attempt in (1, 2):
        assert wait_until(lambda: status_of(outbox, message.id) == "queued"
                          and outbox.get(message.id).attempts == attempt)
        clock.advance(3600)
    assert wait_until(lambda: status_of(outbox, message.id) == "failed")
    assert outbox.get(message.id).last_error_fa == "شبکه از کار افتاده است"


def test_silent_modem_is_reported_then_recovered(run_worker, outbox, sim, tmp_path):
    worker = run_worker()
    assert wait_until(lambda: worker.status()["state"] == "ready")
    sim.set_fault("silence")
    assert wait_until(lambda: worker.status()["state"] == "not_responding")
    assert "does not answer" in worker.status()["words"]["en"]
    on_disk = tmp_path / "run" / "modem.json"
    assert json.loads(on_disk.read_text(encoding="utf-8"))["state"] == "not_responding"
    message = outbox.queue("+989121234567", "after the outage")
    sim.clear_fault()
    assert wait_until(lambda: status_of(outbox, message.id) in ("sent", "delivered"), timeout=15)


def test_sim_needing_a_pin_is_shown_and_nothing_is_sent(run_worker, outbox, sim):
    sim.set_fault("pin")
    message = outbox.queue("+989121234567", "hi")
    worker = run_worker()
    assert wait_until(lambda: worker.status()["state"] == "needs_pin")
    assert worker.status()["words"]["fa"].startswith("سیم‌کارت رمز PIN می‌خواهد")
    time.sleep(0.3)
    assert status_of(outbox, message.id) == "queued" and sim.sent == []


def test_network_time_is_offered_to_the_clock(run_worker):
    offered = []
    run_worker(on_network_time=offered.append)
    assert wait_until(lambda: offered)
    assert offered[0].tzinfo is not None


# --- the modem part ----------------------------------------------------------------

def make_box(tmp_path, store, clock, **settings):
    values = load_settings(tmp_path, environ={}).replace(**settings)
    return SimpleNamespace(home=tmp_path, settings=values, store=store, clock=clock, parts=Parts(),
                           ratings=None)   # no done intakes here: nothing asks for a rating


def test_intake_hook_queues_the_tracking_sms_in_the_intakes_transaction(tmp_path, store, clock):
    SmsMessage = store.models.SmsMessage
    box = make_box(tmp_path, store, clock, modem_port="sim://")
    part = modem_part.build(box)
    assert part.workers == (part.worker,) and len(part.intake_hooks) == 1
    hook = part.intake_hooks[0]
    intake = SimpleNamespace(tracking_code="K7Q2-MX04-F7", mobile="+989121234567",
                             service=SimpleNamespace(name_fa="گذرنامه"))
    with pytest.raises(RuntimeError):
        with store.write():
            hook(intake)
            raise RuntimeError("the intake's own write failed")
    assert SmsMessage.select().count() == 0
    with store.write():
        hook(intake)
    [row] = SmsMessage.select()
    assert row.recipient == "+989121234567" and row.reference == "K7Q2-MX04-F7"
    assert "کد رهگیری: K7Q2-MX04-F7" in row.text and row.purpose == "intake.tracking_code"


def test_attached_simulator_sends_the_intake_sms(tmp_path, store, clock):
    box = make_box(tmp_path, store, clock, modem_port="sim://", modem_command_timeout=1.0)
    box.parts = Parts(modem=modem_part.build(box))
    worker = box.parts.modem.worker
    with store.write():
        box.parts.modem.citizen.on_intake(SimpleNamespace(tracking_code="AB12-CD34-E5", mobile="09121234567"))
    worker.start()
    try:
        assert wait_until(lambda: box.parts.modem.simulator.sent)
        assert "AB12-CD34-E5" in box.parts.modem.simulator.sent[0].text
        from hardware import modem
        assert modem.status(box)["live"] is True
    finally:
        worker.stop()
    from hardware import modem
    after = modem.status(SimpleNamespace(home=tmp_path, settings=box.settings, parts=Parts()))
    assert after["live"] is False and after["port"].startswith("/dev/pts/")


def test_no_modem_configured(tmp_path, store, clock):
    box = make_box(tmp_path, store, clock, modem_port="none")
    assert modem_part.build(box) is None
    from hardware import modem
    assert modem.status(box)["state"] == "disabled"


def test_real_intake_queues_its_sms(box, operator):
    from edge.intake import IntakeRequest
    part = modem_part.build(box)
    box.fit(Parts(modem=part, workers=part.workers, intake_hooks=part.intake_hooks))
    intake = box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی", "09121234567"),
                                operator)
    [row] = box.store.models.SmsMessage.select()
    assert (row.recipient, row.reference, row.status) == ("+989121234567", intake.tracking_code, "queued")
    assert intake.tracking_code in row.text


def test_wedged_modem_is_rebooted(run_worker, outbox, sim):
    sim.set_fault("wedged")
    message = outbox.queue("+989121234567", "after the reboot")
    worker = run_worker()
    assert wait_until(lambda: worker.status()["state"] == "fault")
    assert "refused the command" in worker.status()["words"]["en"]
    assert wait_until(lambda: status_of(outbox, message.id) in ("sent", "delivered"), timeout=20)
    assert "AT+CFUN=1,1" in sim.commands


def test_sms_stays_on_the_sim_until_it_is_stored(run_worker, outbox, sim, store):
    run_worker()
    assert wait_until(lambda: "AT+CNMI=2,1,0,1,0" in sim.commands)
    with store.write():
        store.db.execute_sql("ALTER TABLE sms_inbox RENAME TO sms_inbox_away")   # the store cannot take it
    [index] = sim.receive_sms("+989351112233", "keep me")
    assert wait_until(lambda: f"AT+CMGR={index}" in sim.commands)
    time.sleep(0.3)
    assert sim.stored_indexes() == [index]              # not deleted: it was not stored
    with store.write():
        store.db.execute_sql("ALTER TABLE sms_inbox_away RENAME TO sms_inbox")
    assert wait_until(lambda: [r.text for r in outbox.received()] == ["keep me"], timeout=10)
    assert wait_until(lambda: sim.stored_indexes() == [])


def test_huawei_status_lines_are_not_taken_for_reboots(outbox, clock):
    with ModemSimulator(profile="huawei") as sim:
        modem = Modem(sim.port, command_timeout=0.5, send_timeout=2.0)
        worker = ModemWorker(modem, outbox, clock, idle_seconds=0.05, refresh_seconds=0.2)
        message = outbox.queue("09121234567", "سلام")
        worker.start()
        try:
            assert wait_until(lambda: status_of(outbox, message.id) == "delivered")
            assert wait_until(lambda: sim.commands.count("AT+CSQ") >= 4)   # refreshed, with ^BOOT lines
            assert sim.commands.count("ATE0") == 1                          # started once
        finally:
            worker.stop()
