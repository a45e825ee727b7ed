"""The durable queue and the worker, on a real box (SQLite file), with the
simulated printer behind a real pty."""

from __future__ import annotations


import pytest

from edge.i18n import ENGLISH, MessageCatalogue
from hardware.printer import jobs_overview, status
from hardware.printer.queue import JobNotFound, PrintQueue
from hardware.printer.receipt import Receipt
from hardware.printer.sim.device import SimState
from hardware.printer.sim.servers import PtyPrinter
from tests.helpers import wait_until
from tests.printer.conftest import new_intake
from tests.printer.decoder import tracking_code_in

PERSIAN = MessageCatalogue().translator("fa")


@pytest.fixture
def pty_printer(simulator):
    with PtyPrinter(simulator) as server:
        yield server


@pytest.fixture
def box(make_box, pty_printer):
    return make_box(printer_url=f"serial://{pty_printer.port}?baudrate=115200",
                    printer_status_timeout=2.0)


def test_new_intake_queues_its_receipt(box):
    intake = new_intake(box)
    [job] = box.store.models.PrintJob.select()
    assert (job.state, job.kind, job.tracking_code, job.attempts) == (
        "queued", "receipt", intake.tracking_code, 0)
    receipt = Receipt.from_json(job.receipt)
    assert receipt.tracking_code == intake.tracking_code
    assert receipt.fee_rials == 1_850_000
    assert receipt.service_name == "درخواست کارت هوشمند ملی"
    assert receipt.operator_name == "مریم احمدی"
    assert receipt.office_name == box.settings["office.name"]
    assert receipt.created_at == intake.created_at and receipt.width_dots == 576


def test_receipts_name_the_office_the_box_was_enrolled_with_not_the_settings_default(box):
    with box.store.write():         # what enrolment writes into the office row
        box.store.models.Office.update(code="KHR-0042", name="دفتر پیشخوان خیرآباد").execute()
    intake = new_intake(box)
    PrintQueue.for_box(box).enqueue_intake_receipt(intake, box)        # a reprint
    names = {Receipt.from_json(job.receipt).office_name for job in box.store.models.PrintJob.select()}
    assert names == {"دفتر پیشخوان خیرآباد"} != {box.settings["office.name"]}


def test_an_intake_that_fails_leaves_no_print_job(box):
    def later_hook_fails(intake):
        raise RuntimeError("SMS queue is broken")

    box.intake_hooks.append(later_hook_fails)
    with pytest.raises(RuntimeError):
        new_intake(box)
    assert box.store.models.PrintJob.select().count() == 0 and box.store.models.Intake.select().count() == 0


def test_worker_prints_the_receipt_of_an_intake(box, simulator):
    intake = new_intake(box)
    assert box.parts.printer.worker.run_once()
    [job] = box.store.models.PrintJob.select()
    assert job.state == "done" and job.printed_at == box.clock.now()
    [printed] = simulator.printed
    assert [tracking_code_in(payload) for payload in printed.qr_payloads] == \
        [intake.tracking_code]
    overview = jobs_overview(box)
    assert overview["state"] == "ready" and overview["failed"] == []
    assert overview["state_code"] == "ready" and PERSIAN.say(overview["state_words"]) == "آماده"
    assert overview["recent"][0]["state_words"] == "printed"
    assert not box.parts.printer.worker.run_once()     # nothing else due


def test_failed_print_is_kept_shown_and_retried(box, simulator, clock):
    PrintJob = box.store.models.PrintJob
    simulator.set_state(SimState(paper_out=True))
    intake = new_intake(box)
    assert box.parts.printer.worker.run_once()
    [job] = PrintJob.select()
    assert (job.state, job.attempts, job.last_error) == (
        "failed-will-retry", 1, "printer not ready: paper out")
    overview = jobs_overview(box)
    assert overview["failed"][0]["tracking_code"] == intake.tracking_code
    assert "paper out" in overview["state"] and overview["state_code"] == "failed"
    assert overview["failed"][0]["last_error_code"] == "paper_out"
    assert PERSIAN.say(overview["state_words"]) == "۱ رسید چاپ نشده: کاغذ چاپگر تمام شده است"
    assert ENGLISH.say(overview["state_words"]) == ("1 receipt(s) not printed yet: "
                                                    "the printer is out of paper")
    assert "paper out" in status(box, probe=False)["state"]
    assert simulator.printed == []

    simulator.set_state(SimState())
    assert not box.parts.printer.worker.run_once()     # waiting out its backoff
    clock.advance(seconds=5)
    assert box.parts.printer.worker.run_once()
    job = PrintJob.get_by_id(job.id)
    assert (job.state, job.attempts, job.last_error) == ("done", 2, "")
    assert len(simulator.printed) == 1


def test_backoff_doubles_and_is_capped(box, clock):
    queue = PrintQueue(box.store, clock.now, retry_first_seconds=5, retry_max_seconds=30)
    new_intake(box)
    waits = []
    for _ in range(5):
        job = queue.claim()
        retry_at = queue.mark_failed(job, "cover open")
        waits.append((retry_at - clock.now()).total_seconds())
        clock.set(retry_at)
    assert waits == [5, 10, 20, 30, 30]


def test_a_job_cut_short_by_a_restart_is_retried(box, simulator):
    PrintJob = box.store.models.PrintJob
    new_intake(box)
    queue = PrintQueue.for_box(box)
    assert queue.claim().state == "printing"    # ... and then the power went
    assert queue.recover_interrupted() == 1
    [job] = PrintJob.select()
    assert job.state == "failed-will-retry" and "interrupted" in job.last_error
    assert box.parts.printer.worker.run_once()
    assert PrintJob.get_by_id(job.id).state == "done" and len(simulator.printed) == 1


def test_reprint_makes_a_new_job_from_the_stored_receipt(box, simulator):
    intake = new_intake(box)
    box.parts.printer.worker.run_once()
    queue = PrintQueue.for_box(box)
    [original] = queue.jobs_for(intake.tracking_code)
    again = queue.reprint(original.id)
    assert again.id != original.id and again.reprint_of == original.id
    assert again.receipt == original.receipt
    box.parts.printer.worker.run_once()
    assert [j.state for j in queue.jobs_for(intake.tracking_code)] == ["done", "done"]
    assert len(simulator.printed) == 2
    assert simulator.printed[0].raw == simulator.printed[1].raw
    with pytest.raises(JobNotFound, match="no print job number 999"):
        queue.reprint(999)


def test_queued_jobs_survive_closing_the_box(make_box, tmp_path):
    box = make_box(printer_url="tcp://127.0.0.1:9")    # nobody listens there
    intake = new_intake(box)
    box.parts.printer.worker.run_once()
    home = box.home
    box.close()
    from appliance.assembly import open_box
    reopened = open_box(home)
    try:
        [job] = reopened.store.models.PrintJob.select()
        assert job.tracking_code == intake.tracking_code
        assert job.state == "failed-will-retry"
        assert "cannot reach printer tcp://127.0.0.1:9" in job.last_error
    finally:
        reopened.close()


def test_worker_thread_prints_soon_after_the_intake(box, simulator):
    box.parts.printer.worker.idle_seconds = 5           # it is woken, not polling
    box.start_workers()
    try:
        new_intake(box)
        wait_until(lambda: simulator.printed, what="the receipt printed")
    finally:
        box.stop_workers()
    assert len(simulator.printed) == 1
    assert box.store.models.PrintJob.get().state == "done"


def test_status_asks_the_printer(box, simulator):
    assert status(box)["state"] == "ready"
    simulator.set_state(SimState(cover_open=True))
    result = status(box)
    assert result["state"] == "cover open" and result["device"] == "printer"
    assert result["state_code"] == "cover_open"
    assert result["queue"]["queued"] == 0


def test_status_of_an_unreachable_printer(make_box, tmp_path):
    box = make_box(printer_url=f"usb://{tmp_path}/lp0")
    assert status(box)["state"] == "unreachable"
    assert status(box)["state_code"] == "unreachable"
    assert "No such file" in status(box)["live"]["reason"]


def test_portal_actions_reprint_and_retry(box, simulator, clock):
    from hardware.printer import reprint, reprint_intake, retry_now
    from edge.errors import NotFound
    from edge.tracking import make_code
    simulator.set_state(SimState(paper_out=True))
    intake = new_intake(box)
    box.parts.printer.worker.run_once()
    [failed] = jobs_overview(box)["failed"]
    simulator.set_state(SimState())
    retry_now(box, failed["id"])                   # no waiting out the backoff
    assert box.parts.printer.worker.run_once()
    assert jobs_overview(box)["failed"] == []
    again = reprint(box, failed["id"])
    assert again["reprint_of"] == failed["id"] and again["state"] == "queued"
    by_code = reprint_intake(box, intake.tracking_code.lower())
    assert by_code["tracking_code"] == intake.tracking_code
    while box.parts.printer.worker.run_once():
        pass
    assert len(simulator.printed) == 3
    assert {tracking_code_in(p.qr_payloads[0]) for p in simulator.printed} == \
        {intake.tracking_code}
    with pytest.raises(NotFound):
        reprint_intake(box, make_code("ABCDEF", 99999))
    with pytest.raises(JobNotFound):
        retry_now(box, 12345)


def test_idle_worker_notices_the_paper_running_out(box, simulator):
    simulator.set_state(SimState(paper_out=True))
    worker = box.parts.printer.worker
    assert worker.check_status()["state"] == "paper out"
    assert jobs_overview(box)["state"] == "paper out"
    simulator.set_state(SimState())
    worker.idle_check_seconds = 0.01
    worker.idle_seconds = 0.01
    worker.start()
    try:
        wait_until(lambda: jobs_overview(box)["state"] == "ready", what="the printer ready")
    finally:
        worker.stop()
    assert jobs_overview(box)["state"] == "ready"
    assert jobs_overview(box)["last_status"]["url"].startswith("serial://")


@pytest.mark.parametrize("seed", range(3))
def test_nothing_is_lost_when_the_printer_keeps_failing(make_box, simulator, clock, seed):
    """Intakes arrive while the printer runs out of paper, opens its cover,
    goes offline and comes back at random: in the end every intake's
    receipt is printed, and none is printed by a job marked failed."""
    import random
    chance = random.Random(seed)
    states = [SimState(), SimState(), SimState(paper_out=True), SimState(cover_open=True),
              SimState(online=False)]
    with PtyPrinter(simulator) as printer:
        box = make_box(printer_url=f"serial://{printer.port}", printer_status_timeout=2.0)
        codes = set()
        for _ in range(12):
            if chance.random() < 0.6:
                codes.add(new_intake(box).tracking_code)
            simulator.set_state(chance.choice(states))
            box.parts.printer.worker.run_once()
            clock.advance(seconds=chance.choice([0, 5, 60]))
        simulator.set_state(SimState())
        for _ in range(50):
            clock.advance(seconds=300)
            if not box.parts.printer.worker.run_once() and not PrintQueue.for_box(box).counts()[
                    "failed-will-retry"]:
                break
    counts = PrintQueue.for_box(box).counts()
    assert counts["done"] == len(codes) and counts["failed-will-retry"] == counts["queued"] == 0
    printed = [tracking_code_in(p.qr_payloads[0]) for p in simulator.printed]
    assert set(printed) == codes and len(printed) == len(codes)
