"""The texts a citizen gets through the life of a request, and their say in them.

An intake texts its tracking code; done and cancelled text it again (done
asks for a rating: a reply of one digit, 1 to 5). Each text is a template in
the settings and ends with the opt-out line «لغو ۱۱» (Iranian rules for
informational SMS): a reply of 11 stops them for that number, 12 resumes;
the latest reply rules, and what is still queued for a number that opts out
is withdrawn. Any other reply goes to the ratings (`edge.voice.ratings`),
which keep it whatever it is. A reply is handled in the transaction that stores it, before
its copy on the SIM is deleted, so a box stopped half-way handles it again
on the next start and loses nothing.
"""

from __future__ import annotations

import logging
from datetime import timezone
from typing import Callable

from edge.digits import to_ascii_digits
from edge.errors import Conflict, NotFound
from edge.i18n import N_
from edge.voice.ratings import RatingBook
from hardware.modem.outbox import Received, RecipientError, SmsOutbox, normalize_recipient
from hardware.modem.pdu import PduError
from hardware.modem.settings import (DEFAULT_CANCELLED_SMS, DEFAULT_DONE_SMS, DEFAULT_INTAKE_SMS,
                                     OPT_OUT_LINE)

log = logging.getLogger(__name__)

STOP, RESUME = "11", "12"
# purpose in the outbox -> (kind in the API, setting, default text)
TEXTS = {
    "intake.tracking_code": ("tracking_code", "modem.intake_sms", DEFAULT_INTAKE_SMS),
    "intake.done": ("done", "modem.done_sms", DEFAULT_DONE_SMS),
    "intake.cancelled": ("cancelled", "modem.cancelled_sms", DEFAULT_CANCELLED_SMS),
}
STATUS_PURPOSES = {"done": "intake.done", "cancelled": "intake.cancelled"}
OPTED_OUT = N_("the citizen opted out (replied 11)")   # a failed SMS's reason


def with_opt_out_line(text: str) -> str:
    """The text as the rules want it: its last line is «لغو ۱۱»."""
    text = text.rstrip()
    return text if text.endswith(OPT_OUT_LINE) else f"{text}\n{OPT_OUT_LINE}"


def fill(template: str, default: str, values: dict) -> str:
    """The template with its {placeholders}; the default text when it names an unknown one."""
    try:
        text = template.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("an SMS template has an unknown {placeholder}; using the default text")
        text = default.format(**values)
    return with_opt_out_line(text)


def reply_command(text: str) -> str | None:
    """"11" or "12" when the whole reply is that number, in any digit script,
    with spaces or a trailing dot; None for anything else."""
    cleaned = to_ascii_digits(text).replace(" ", "").strip().rstrip(".")
    return cleaned if cleaned in (STOP, RESUME) else None


class OptOuts:
    """Who said 11 (and not 12 since): one row per reply, the latest rules."""

    def __init__(self, store, clock):
        self.store = store
        self.clock = clock
        self._rows = store.models.SmsOptOut

    def is_out(self, number: str) -> bool:
        rows = self._rows
        latest = rows.select(rows.opted_out).where(rows.number == number).order_by(
            rows.id.desc()).first()
        return bool(latest and latest.opted_out)

    def record(self, number: str, opted_out: bool, inbox_id: int | None = None) -> None:
        at = self.clock.now().astimezone(timezone.utc).isoformat(timespec="seconds")
        with self.store.write():
            self._rows.create(number=number, opted_out=int(opted_out), inbox=inbox_id, at=at)


class CitizenSms:
    """The modem part's hooks into the life of an intake, its handler of
    replies, and the intake page's list of texts with "send again"."""

    def __init__(self, outbox: SmsOutbox, opt_outs: OptOuts, ratings: RatingBook, settings,
                 wake: Callable[[], None]):
        self.outbox = outbox
        self.opt_outs = opt_outs
        self.ratings = ratings
        self.settings = settings
        self.wake = wake

    # --- hooks (inside the intake's write transaction) ---------------------------------

    def on_intake(self, intake) -> None:
        self._text_about(intake, "intake.tracking_code")

    def on_status(self, intake, before: str) -> None:
        purpose = STATUS_PURPOSES.get(intake.status)
        if purpose is not None and self._text_about(intake, purpose) and purpose == "intake.done":
            self.ratings.asked(intake)   # the done text asks for a rating

    def _text_about(self, intake, purpose: str) -> bool:
        """Queue the text `purpose` about `intake`; True when one was queued."""
        _, setting, default = TEXTS[purpose]
        template = self.settings[setting]
        mobile = getattr(intake, "mobile", None)
        if not mobile or not template:
            return False
        text = fill(template, default, self._values(intake))
        try:
            queued = self._queue(mobile, text, purpose, intake.tracking_code)
        except (RecipientError, PduError) as error:
            # The intake stands; a citizen without a usable number has the paper receipt.
            log.warning("no SMS for intake %s: %s", intake.tracking_code, error)
            return False
        if queued:
            self.wake()
        return queued

    def _values(self, intake) -> dict:
        service = getattr(intake, "service", None)
        return {"tracking_code": intake.tracking_code, "office": self.settings["office.name"],
                "service": getattr(service, "name_fa", "") or ""}

    def _queue(self, mobile: str, text: str, purpose: str, reference: str) -> bool:
        """Queue unless the number opted out; True when queued."""
        if self.opt_outs.is_out(normalize_recipient(mobile)):
            log.info("no %s SMS for %s: the number opted out", purpose, reference)
            return False
        self.outbox.queue(mobile, text, purpose=purpose, reference=reference)
        return True

    # --- replies ------------------------------------------------------------------------

    def on_received(self, received: Received) -> str:
        """A citizen's SMS: 11 or 12, else a rating or a reply kept unread;
        returns what it was. Runs inside the transaction that stored it."""
        try:
            number = normalize_recipient(received.sender)
        except RecipientError:   # an operator's or a bank's name: nobody to answer
            return "not_a_citizen"
        command = reply_command(received.text)
        if command is None:
            return self.ratings.take_reply(number, received.text)
        with self.outbox.store.write():
            self.opt_outs.record(number, command == STOP, received.id)
            if command == STOP:
                withdrawn = self.outbox.withdraw(number, OPTED_OUT)
                log.info("%s opted out of SMS; %d queued withdrawn", number, withdrawn)
        return "opted_out" if command == STOP else "opted_in"

    # --- the intake page ------------------------------------------------------------------

    def messages_about(self, reference: str) -> list[dict]:
        return [self._describe(message) for message in self.outbox.about(reference)]

    @staticmethod
    def _describe(message) -> dict:
        kind = TEXTS.get(message.purpose, (message.purpose,))[0]
        at = message.delivered_at or message.sent_at or message.created_at
        return {"id": message.id, "kind": kind, "state": message.status, "at": at,
                "reason": message.last_error, "reason_fa": message.last_error_fa}

    def resend(self, message_id: int, reference: str) -> None:
        """A copy of that SMS goes to the queue (one still waiting is only hurried)."""
        message = self.outbox.find(message_id)
        if message is None or message.reference != reference:
            raise NotFound("sms.not_found", "sms")
        if message.status not in ("queued", "sending"):
            with self.outbox.store.write():
                if not self._queue(message.recipient, message.text, message.purpose, reference):
                    raise Conflict("sms.opted_out", "sms")
        self.wake()
