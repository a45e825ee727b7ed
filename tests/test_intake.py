"""The intake service: fee from the tariff, one transaction, status rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edge import audit, daybook
from edge.errors import Conflict, Forbidden, InvalidInput
from edge.i18n import MessageCatalogue
from edge.intake import IntakeQuery, IntakeRequest, search
from tests.conftest import make_user
from tests.helpers import wait_until

PERSIAN = MessageCatalogue().translator("fa")


def request(**overrides) -> IntakeRequest:
    values = dict(service_code="HEALTH-INS", national_code="0013542419",
                  full_name="زهرا احمدی", mobile="۰۹۱۲۱۲۳۴۵۶۷")
    values.update(overrides)
    return IntakeRequest(**values)


def counts(box) -> tuple[int, int, int, int]:
    AuditEntry = box.store.models.AuditEntry
    Intake = box.store.models.Intake
    IntakeStatusChange = box.store.models.IntakeStatusChange
    OutboxRecord = box.store.models.OutboxRecord
    return (Intake.select().count(), IntakeStatusChange.select().count(),
            AuditEntry.select().count(), OutboxRecord.select().count())


def test_intake_writes_row_history_audit_and_outbox_together(box, operator):
    OutboxRecord = box.store.models.OutboxRecord
    before = counts(box)
    intake = box.intakes.create(request(), operator)
    assert counts(box) == tuple(n + 1 for n in before)
    assert intake.status == "received" and intake.mobile == "+989121234567"
    record = OutboxRecord.select().order_by(OutboxRecord.seq.desc()).first()
    assert record.event_type == "intake.created" and intake.tracking_code.encode() in record.body
    assert record.hlc == intake.hlc


def test_fee_is_the_tariff_in_force_at_intake_time(box, clock, operator):
    Service, Tariff = box.store.models.Service, box.store.models.Tariff   # this box's own classes
    service = Service.get(Service.code == "HEALTH-INS")
    rise = clock.now() + timedelta(days=1)
    Tariff.create(service=service, fee_rials=600_000, effective_from=rise, version="v-next")
    today = box.intakes.create(request(), operator)
    clock.set(rise + timedelta(minutes=1))
    tomorrow = box.intakes.create(request(), operator)
    assert (today.fee_rials, today.tariff_version) == (450_000, "demo-1405-01")
    assert (tomorrow.fee_rials, tomorrow.tariff_version) == (600_000, "v-next")


def test_service_without_tariff_or_not_offered_is_refused(box, operator):
    Service = box.store.models.Service
    Service.create(code="NEW", name_fa="تازه", name_en="New", agency="x", sla_hours=1)
    with pytest.raises(InvalidInput) as caught:
        box.intakes.create(request(service_code="NEW"), operator)
    assert caught.value.code == "tariff.none"
    Service.update(offered=False).where(Service.code == "HEALTH-INS").execute()
    with pytest.raises(InvalidInput, match="not offered"):
        box.intakes.create(request(), operator)
    with pytest.raises(InvalidInput, match="not in the catalogue"):
        box.intakes.create(request(service_code="NOPE"), operator)


@pytest.mark.parametrize("fields, code, field", [
    ({}, "field.required", "fields.postcode"),
    ({"postcode": "1234567890", "weight_grams": "500", "colour": "red"}, "field.unknown",
     "fields.colour"),
    ({"postcode": "12345678901", "weight_grams": "500"}, "field.too_long", "fields.postcode"),
    ({"postcode": "12ab", "weight_grams": "500"}, "field.type", "fields.postcode"),
])
def test_service_fields_are_checked(box, operator, fields, code, field):
    with pytest.raises(InvalidInput) as caught:
        box.intakes.create(request(service_code="POST-PARCEL", fields=fields), operator)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_service_digit_fields_accept_persian_digits(box, operator):
    intake = box.intakes.create(request(service_code="POST-PARCEL",
                                        fields={"postcode": "۱۲۳۴۵۶۷۸۹۰", "weight_grams": "٥٠٠"}),
                                operator)
    assert intake.fields == {"postcode": "1234567890", "weight_grams": "500"}


@pytest.mark.parametrize("reference, last4, code, field", [
    ("", "6037", "payment.reference_required", "payment.reference"),
    ("12345678901", "6037", "payment.rrn_format", "payment.reference"),
    ("1234567890123", "6037", "payment.rrn_format", "payment.reference"),
    ("12345678901x", "6037", "payment.rrn_format", "payment.reference"),
    ("123456789012", "", "payment.card_last4_format", "payment.card_last4"),
    ("123456789012", "603", "payment.card_last4_format", "payment.card_last4"),
    ("123456789012", "۶۰۳a", "payment.card_last4_format", "payment.card_last4"),
])
def test_a_card_payment_needs_its_rrn_and_the_cards_last_four_digits(box, operator, reference,
                                                                     last4, code, field):
    before = counts(box)
    with pytest.raises(InvalidInput) as caught:
        box.intakes.create(request(payment_method="card", payment_reference=reference,
                                   card_last4=last4), operator)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert counts(box) == before


def test_a_card_payment_is_kept_with_its_rrn_in_ascii_digits(box, operator):
    paid = box.intakes.create(request(payment_method="card", payment_reference="۱۲۳۴ ۵۶۷۸ ۹۰۱۲",
                                      card_last4="٦٠٣٧"), operator)
    assert paid.payment_reference == "123456789012"
    assert daybook.card_last4(box.store, paid) == "6037"
    cash = box.intakes.create(request(card_last4="6037"), operator)   # beside cash: not kept
    assert daybook.card_last4(box.store, cash) == ""


def test_one_rrn_is_taken_once_per_business_day(box, operator, clock):
    card = dict(payment_method="card", payment_reference="123456789012", card_last4="6037")
    first = box.intakes.create(request(**card), operator)
    before = counts(box)
    with pytest.raises(InvalidInput) as caught:
        box.intakes.create(request(**card, service_code="POST-PARCEL",
                                   fields={"postcode": "1234567890", "weight_grams": "500"}),
                           operator)
    assert (caught.value.code, caught.value.field) == ("payment.rrn_repeated", "payment.reference")
    assert first.tracking_code in caught.value.message(PERSIAN)
    assert counts(box) == before
    clock.advance(days=1)                     # terminals reuse references across days
    assert box.intakes.create(request(**card), operator).payment_reference == "123456789012"


def test_a_failing_hook_leaves_nothing_half_written(box, operator):
    before = counts(box)

    def printer_on_fire(intake):
        raise RuntimeError("printer queue unavailable")

    box.intake_hooks.append(printer_on_fire)
    with pytest.raises(RuntimeError):
        box.intakes.create(request(), operator)
    assert counts(box) == before


def test_hooks_see_the_intake_inside_its_transaction(box, operator):
    seen = []
    box.intake_hooks.append(lambda intake: seen.append((intake.tracking_code,
                                                        box.store.db.in_transaction())))
    intake = box.intakes.create(request(), operator)
    assert seen == [(intake.tracking_code, True)]


def test_status_goes_received_in_progress_done(box, operator):
    IntakeStatusChange = box.store.models.IntakeStatusChange
    intake = box.intakes.create(request(), operator)
    box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    done = box.intakes.change_status(intake.tracking_code.lower(), "done", operator)
    assert done.status == "done"
    history = [(c.from_status, c.to_status) for c in
               IntakeStatusChange.select().where(IntakeStatusChange.intake == intake)
               .order_by(IntakeStatusChange.id)]
    assert history == [(None, "received"), ("received", "in_progress"), ("in_progress", "done")]
    with pytest.raises(Conflict) as caught:
        box.intakes.change_status(intake.tracking_code, "in_progress", operator)
    assert caught.value.code == "intake.bad_transition"
    assert "«انجام‌شده»" in caught.value.message(PERSIAN)


def test_a_status_change_does_not_cancel(box, operator):
    intake = box.intakes.create(request(), operator)
    with pytest.raises(InvalidInput) as caught:
        box.intakes.change_status(intake.tracking_code, "cancelled", operator)
    assert caught.value.code == "intake.cancel_separately"
    assert box.intakes.get(intake.tracking_code).status == "received"


def test_revoked_or_expired_licence_stops_new_intakes(box, clock, operator):
    Office = box.store.models.Office
    Office.update(licence_status="revoked").execute()
    with pytest.raises(Forbidden) as caught:
        box.intakes.create(request(), operator)
    assert "لغوشده" in caught.value.message(PERSIAN)
    Office.update(licence_status="active",
                  licence_expires=clock.now() - timedelta(days=1)).execute()
    with pytest.raises(Forbidden, match="expired"):
        box.intakes.create(request(), operator)


def test_tracking_codes_are_unique_and_carry_the_device_tag(box, operator):
    codes = {box.intakes.create(request(), operator).tracking_code for _ in range(30)}
    assert len(codes) == 30
    assert all(code.replace("-", "").startswith(box.keys.tag) for code in codes)


def test_search_by_each_criterion_and_jalali_day(box, clock, operator):
    supervisor = make_user(box, "sara", "supervisor")
    first = box.intakes.create(request(), operator)
    clock.advance(days=2)
    second = box.intakes.create(request(national_code="4608968882", mobile="09351112233",
                                        service_code="SMART-ID",
                                        fields={"request_kind": "المثنی"}), supervisor)
    assert search(box.store, IntakeQuery(tracking_code=first.tracking_code))[0] == [first]
    assert search(box.store, IntakeQuery(national_code="۴۶۰۸۹۶۸۸۸۲"))[0] == [second]
    assert search(box.store, IntakeQuery(mobile="+989351112233"))[0] == [second]
    assert search(box.store, IntakeQuery(service_code="HEALTH-INS"))[0] == [first]
    from edge.jalali import IRAN
    day_of_first = first.created_at.astimezone(IRAN).date()
    assert search(box.store, IntakeQuery(date_from=day_of_first, date_to=day_of_first))[0] == [first]
    page, total = search(box.store, IntakeQuery(per_page=1, page=2))
    assert total == 2 and page == [first]


def test_no_new_intakes_while_mains_power_is_down(box, operator):
    box.intakes.accepting = False
    before = counts(box)
    with pytest.raises(Conflict) as caught:
        box.intakes.create(request(), operator)
    assert caught.value.code == "intake.power_fail" and counts(box) == before
    box.intakes.accepting = True
    assert box.intakes.create(request(), operator).status == "received"


def test_intakes_from_many_counters_commit_together_and_a_failure_stays_alone(box, operator,
                                                                          monkeypatch):
    import threading
    names = ["زهرا", "علی", "خطا", "مریم", "رضا", "سارا", "حسین", "نرگس"]
    store = box.store
    commits, arrived, committed_before = [], [], {}
    real_commit, real_write_together = store.db.commit, store.write_together

    def counting_commit():               # one SQLite commit: one fsync of the WAL
        real_commit()
        commits.append(threading.current_thread().name)

    def arriving(work):
        arrived.append(work)
        return real_write_together(work)

    def note_transaction(intake):
        # Intakes that see the same number of commits before theirs share one.
        committed_before[intake.full_name] = len(commits)
        if intake.full_name == "خطا":
            raise ZeroDivisionError("this counter's intake fails")

    monkeypatch.setattr(store.db, "commit", counting_commit)
    monkeypatch.setattr(store, "write_together", arriving)
    box.intake_hooks.append(note_transaction)
    before = counts(box)
    outcomes = []

    def counter(name: str) -> None:
        try:
            outcomes.append(box.intakes.create(request(full_name=name), operator).tracking_code)
        except ZeroDivisionError:
            outcomes.append("failed")

    threads = [threading.Thread(target=counter, args=(name,)) for name in names]
    with store.write():                  # the writer is busy: every counter's intake waits
        for thread in threads:
            thread.start()
        wait_until(lambda: len(arrived) == len(names), what="every counter's intake handed over")
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("failed") == 1
    assert counts(box) == tuple(n + 7 for n in before)
    stored = {intake.tracking_code for intake in box.store.models.Intake.select()}
    assert {code for code in outcomes if code != "failed"} <= stored
    assert audit.first_broken(box.store) is None
    transactions = list(committed_before.values())
    assert len(set(transactions)) < len(names), "every intake paid its own commit"
    assert transactions.count(committed_before["خطا"]) > 1, "the failure was not in a shared commit"
    assert "store-writer" in commits     # the writer thread committed them
    assert len(commits) < 1 + len(names)  # ours (the busy writer) and fewer than one per intake
