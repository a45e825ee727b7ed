"""The SMS outbox and inbox in the box's SQLite store.

An SMS is `queued` (in the same transaction as the intake that asked for
it), `sending` while the modem has it, then `sent`, and `delivered` when the
network's delivery report for every part came back. A failed attempt goes
back to `queued` with a growing delay; after `max_attempts` (or at once, for
an error that trying again cannot fix, like an unassigned number) it is
`failed`, with the last error in words. A received SMS is stored here before
it is deleted from the SIM, and its parts are joined here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from edge.phone import normalize_mobile
from hardware.modem import pdu
from hardware.modem.at import ModemError
from hardware.modem.schema import SmsMessage

log = logging.getLogger(__name__)

STATUSES = ("queued", "sending", "sent", "delivered", "failed")
STATUS_WORDS = {
    "queued": ("waiting to be sent", "در صف ارسال"),
    "sending": ("being sent", "در حال ارسال"),
    "sent": ("sent", "ارسال شد"),
    "delivered": ("delivered", "تحویل شد"),
    "failed": ("failed", "ناموفق"),
}


class RecipientError(ModemError, ValueError):
    """Not a mobile number: trying again cannot help (a ValueError too, as
    it is bad input before it reaches the modem)."""

    def __init__(self, number: str):
        super().__init__(f"not a mobile number: {number!r}", f"شمارهٔ همراه نامعتبر است: {number}",
                         code="bad_recipient", permanent=True)


def normalize_recipient(number: str) -> str:
    """`09121234567`, `+989121234567`, `00989121234567` -> `+989121234567`."""
    try:
        return normalize_mobile(number)
    except ValueError:
        raise RecipientError(number) from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Received:
    id: int
    sender: str
    text: str
    sent_at: datetime | None
    parts: int


class SmsOutbox:
    def __init__(self, store, clock, max_attempts: int = 5, retry_seconds: float = 30.0,
                 max_retry_seconds: float = 1800.0):
        self.store = store
        self._messages, self._parts = store.models.SmsMessage, store.models.SmsPart
        self._received = store.models.SmsReceived
        self._received_parts = store.models.SmsReceivedPart
        self.clock = clock
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds

    # --- outgoing -------------------------------------------------------------------

    def queue(self, recipient: str, text: str, purpose: str = "", reference: str | None = None) -> SmsMessage:
        """Queue one SMS; joins the caller's write transaction when there is one."""
        number = normalize_recipient(recipient)
        parts = pdu.count_parts(text)    # raises PduError for an impossible text now, not later
        now = _iso(self.clock.now())
        with self.store.write():
            return self._messages.create(recipient=number, text=text, purpose=purpose,
                                         reference=reference, status="queued",
                                         next_attempt_at=now, parts=parts, created_at=now)

    def due(self, limit: int = 10) -> list[SmsMessage]:
        now = _iso(self.clock.now())
        messages = self._messages
        return list(messages.select()
                    .where((messages.status == "queued") & (messages.next_attempt_at <= now))
                    .order_by(messages.next_attempt_at, messages.id).limit(limit))

    def next_due_at(self) -> datetime | None:
        messages = self._messages
        row = (messages.select(messages.next_attempt_at).where(messages.status == "queued")
               .order_by(messages.next_attempt_at).first())
        return _parse(row.next_attempt_at) if row else None

    def claim(self, message_id: int) -> SmsMessage | None:
        """Mark a queued SMS as being sent; None if someone else has it."""
        messages = self._messages
        with self.store.write():
            changed = (messages.update(status="sending", attempts=messages.attempts + 1)
                       .where((messages.id == message_id) & (messages.status == "queued"))
                       .execute())
            return messages.get_by_id(message_id) if changed else None

    def mark_sent(self, message_id: int, network_references: list[int]) -> None:
        now = _iso(self.clock.now())
        with self.store.write():
            self._messages.update(status="sent", sent_at=now, last_error=None,
                                  last_error_fa=None).where(
                self._messages.id == message_id).execute()
            self._parts.delete().where(self._parts.message == message_id).execute()
            for sequence, reference in enumerate(network_references, start=1):
                self._parts.create(message=message_id, sequence=sequence,
                                   network_reference=reference, sent_at=now)

    def mark_attempt_failed(self, message_id: int, error: ModemError) -> str:
        """Back to the queue with a delay, or `failed`; returns the new status."""
        with self.store.write():
            message = self._messages.get_by_id(message_id)
            final = error.permanent or message.attempts >= self.max_attempts
            delay = min(self.retry_seconds * 2 ** max(0, message.attempts - 1), self.max_retry_seconds)
            status = "failed" if final else "queued"
            self._messages.update(
                status=status, last_error=error.message, last_error_fa=error.message_fa,
                next_attempt_at=_iso(self.clock.now() + timedelta(seconds=delay)),
            ).where(self._messages.id == message_id).execute()
        log.warning("SMS %d to %s: %s (%s)", message_id, message.recipient, error.message, status)
        return status

    def release_interrupted(self) -> int:
        """At start-up: an SMS left `sending` by a crash goes back to the queue
        (sent twice at worst, never lost)."""
        with self.store.write():
            return (self._messages.update(status="queued")
                    .where(self._messages.status == "sending").execute())

    def apply_report(self, report: pdu.StatusReport) -> SmsMessage | None:
        """A delivery report: the newest sent part with that reference and recipient."""
        if not report.final:
            return None
        now = _iso(self.clock.now())
        with self.store.write():
            part = (self._parts.select().join(self._messages)
                    .where((self._parts.network_reference == report.reference)
                           & (self._parts.report_status.is_null())
                           & (self._messages.recipient == _comparable(report.recipient)))
                    .order_by(self._parts.sent_at.desc(), self._parts.id.desc()).first())
            if part is None:
                log.info("delivery report for unknown message reference %d", report.reference)
                return None
            self._parts.update(report_status=report.status, reported_at=now).where(
                self._parts.id == part.id).execute()
            message = self._messages.get_by_id(part.message_id)
            if not report.delivered:
                words = report.words()
                self._messages.update(status="failed", last_error=words["en"],
                                      last_error_fa=words["fa"]).where(
                    self._messages.id == message.id).execute()
            else:
                waiting = (self._parts.select().where((self._parts.message == message.id)
                                                      & (self._parts.report_status.is_null()))
                           .count())
                if waiting == 0 and message.status == "sent":
                    self._messages.update(status="delivered", delivered_at=now).where(
                        self._messages.id == message.id).execute()
            return self._messages.get_by_id(message.id)

    def withdraw(self, recipient: str, reason: str) -> int:
        """Every SMS still queued for `recipient` is `failed` with `reason` (a
        catalogue msgid: the citizen opted out); returns how many."""
        messages = self._messages
        with self.store.write():
            return (messages.update(status="failed", last_error=reason, last_error_fa=None)
                    .where((messages.recipient == recipient) & (messages.status == "queued"))
                    .execute())

    def about(self, reference: str) -> list[SmsMessage]:
        """The SMS sent about one thing (an intake's tracking code), oldest first."""
        messages = self._messages
        return list(messages.select().where(messages.reference == reference).order_by(messages.id))

    def find(self, message_id: int) -> SmsMessage | None:
        return self._messages.get_or_none(self._messages.id == message_id)

    def counts(self) -> dict[str, int]:
        found = {status: 0 for status in STATUSES}
        for row in self._messages.select(self._messages.status).tuples():
            found[row[0]] += 1
        return found

    def get(self, message_id: int) -> SmsMessage:
        return self._messages.get_by_id(message_id)

    # --- incoming -------------------------------------------------------------------

    def store_received(self, message: pdu.Deliver) -> Received | None:
        """Keep one received SMS (or one part). Returns the whole message once
        every part is here; stored parts survive a restart. Storing the same
        part twice (the modem was not told to delete it) changes nothing."""
        now = _iso(self.clock.now())
        sent_at = _iso(message.sent_at) if message.sent_at else None
        with self.store.write():
            if message.concat is None or message.concat.total == 1:
                row = self._received.create(sender=message.sender, text=message.text,
                                            sent_at=sent_at, received_at=now, parts=1)
                return Received(row.id, row.sender, row.text, message.sent_at, 1)
            concat, received_parts = message.concat, self._received_parts
            key = ((received_parts.sender == message.sender)
                   & (received_parts.concat_reference == concat.reference)
                   & (received_parts.total == concat.total))
            if not received_parts.select().where(
                    key & (received_parts.sequence == concat.sequence)).exists():
                received_parts.create(sender=message.sender, concat_reference=concat.reference,
                                      total=concat.total, sequence=concat.sequence,
                                      text=message.text, sent_at=sent_at, received_at=now)
            parts = list(received_parts.select().where(key).order_by(received_parts.sequence))
            if len(parts) < concat.total:
                return None
            text = "".join(part.text for part in parts)
            first_sent = parts[0].sent_at
            row = self._received.create(sender=message.sender, text=text, sent_at=first_sent,
                                        received_at=now, parts=concat.total)
            received_parts.delete().where(key).execute()
            return Received(row.id, row.sender, text, _parse(first_sent), concat.total)

    def received(self, limit: int = 50) -> list[Received]:
        rows = self._received.select().order_by(self._received.id.desc()).limit(limit)
        return [Received(row.id, row.sender, row.text, _parse(row.sent_at), row.parts) for row in rows]


def _comparable(number: str) -> str:
    """Delivery reports sometimes carry the number nationally (0912...)."""
    try:
        return normalize_recipient(number)
    except RecipientError:
        return number
