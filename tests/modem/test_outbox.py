"""The SMS outbox on a real SQLite file."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hardware.modem import pdu
from hardware.modem.at import ModemError, error_from_final
from hardware.modem.outbox import RecipientError, normalize_recipient

WHEN = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def report(reference, status=0, recipient="+989121234567"):
    return pdu.decode(pdu.encode_status_report(reference, recipient, WHEN, WHEN, status))


def test_queue_send_deliver(outbox):
    message = outbox.queue("09121234567", "س" * 100, purpose="intake.tracking_code", reference="K7Q2")
    assert (message.recipient, message.parts, message.status) == ("+989121234567", 2, "queued")
    assert [m.id for m in outbox.due()] == [message.id]
    assert outbox.claim(message.id).status == "sending"
    assert outbox.claim(message.id) is None            # nobody sends it twice
    outbox.mark_sent(message.id, [17, 18])
    assert outbox.apply_report(report(17)).status == "sent"    # one part of two
    assert outbox.apply_report(report(18)).status == "delivered"
    assert outbox.counts()["delivered"] == 1


def test_report_for_the_national_form_of_the_number(outbox):
    message = outbox.queue("+989121234567", "hi")
    outbox.claim(message.id)
    outbox.mark_sent(message.id, [5])
    assert outbox.apply_report(report(5, recipient="09121234567")).status == "delivered"


def test_pending_and_failed_reports(outbox):
    message = outbox.queue("+989121234567", "hi")
    outbox.claim(message.id)
    outbox.mark_sent(message.id, [5])
    assert outbox.apply_report(report(5, status=0x21)) is None        # still trying
    failed = outbox.apply_report(report(5, status=0x41))
    assert failed.status == "failed" and "0x41" in failed.last_error
    assert outbox.apply_report(report(99)) is None                    # not ours


def test_retries_then_failed_with_words(outbox, clock):
    message = outbox.queue("+989121234567", "hi")
    error = error_from_final("+CMS ERROR: 42")
    statuses = []
    for _ in range(3):
        clock.advance(3600)
        [due] = outbox.due()
        outbox.claim(due.id)
        statuses.append(outbox.mark_attempt_failed(due.id, error))
    assert statuses == ["queued", "queued", "failed"]
    final = outbox.get(message.id)
    assert (final.attempts, final.last_error, final.last_error_fa) == (
        3, "the network is congested", "شبکه شلوغ است")
    clock.advance(3600)
    assert outbox.due() == []


def test_retry_waits_and_doubles(outbox, clock):
    message = outbox.queue("+989121234567", "hi")
    outbox.claim(message.id)
    outbox.mark_attempt_failed(message.id, error_from_final("+CMS ERROR: 38"))
    assert outbox.due() == []
    clock.advance(10)
    assert [m.id for m in outbox.due()] == [message.id]
    outbox.claim(message.id)
    outbox.mark_attempt_failed(message.id, error_from_final("+CMS ERROR: 38"))
    clock.advance(10)
    assert outbox.due() == []
    clock.advance(10)
    assert len(outbox.due()) == 1


def test_permanent_error_fails_at_once(outbox):
    message = outbox.queue("+989121234567", "hi")
    outbox.claim(message.id)
    assert outbox.mark_attempt_failed(message.id, error_from_final("+CMS ERROR: 1")) == "failed"


def test_interrupted_send_goes_back_to_the_queue(outbox):
    message = outbox.queue("+989121234567", "hi")
    outbox.claim(message.id)
    assert outbox.release_interrupted() == 1
    assert outbox.get(message.id).status == "queued"


def test_queue_joins_the_callers_transaction(outbox, store):
    with pytest.raises(RuntimeError):
        with store.write():
            outbox.queue("+989121234567", "hi")
            raise RuntimeError("the intake failed after the SMS row was written")
    assert store.models.SmsMessage.select().count() == 0


@pytest.mark.parametrize("number", ["12", "0912", "+98abc", "", "سلام"])
def test_bad_numbers_are_refused(outbox, number):
    with pytest.raises(RecipientError):
        outbox.queue(number, "hi")


@pytest.mark.parametrize("number, expected", [
    ("09121234567", "+989121234567"), ("۰۹۱۲۱۲۳۴۵۶۷", "+989121234567"),
    ("00989121234567", "+989121234567"), ("+989121234567", "+989121234567"),
])
def test_normalize(number, expected):
    assert normalize_recipient(number) == expected


def test_received_parts_are_joined_in_any_order_once(outbox):
    text = "سلام. " * 40
    parts = [pdu.decode(p) for p in pdu.encode_deliver("+989351112233", text, WHEN, reference=77)]
    assert len(parts) == 4
    assert outbox.store_received(parts[2]) is None
    assert outbox.store_received(parts[2]) is None        # the same part again
    assert outbox.store_received(parts[0]) is None
    assert outbox.store_received(parts[3]) is None
    whole = outbox.store_received(parts[1])
    assert (whole.text, whole.sender, whole.parts) == (text, "+989351112233", 4)
    assert outbox.store.models.SmsReceivedPart.select().count() == 0
    assert [r.text for r in outbox.received()] == [text]


def test_single_received_sms(outbox):
    [single] = [pdu.decode(p) for p in pdu.encode_deliver("+989351112233", "ok", WHEN)]
    assert outbox.store_received(single).text == "ok"


def test_impossible_text_is_refused_before_it_is_queued(outbox):
    with pytest.raises(pdu.PduError):
        outbox.queue("+989121234567", "س" * 70 * 300)
    assert isinstance(error_from_final("+CMS ERROR: 500"), ModemError)
