"""Who may cancel an intake, and how. A supervisor's cancellation is decided
at once; an operator's waits for a supervisor. Every step is audited and sent
to the centre; an approval writes the reversal (the fee given back) dated at
the approval, in the same transaction as the intake's move to `cancelled`."""

from __future__ import annotations

from datetime import datetime

from edge.cancellation.schema import APPROVED, PENDING, REFUSED, CancellationRequest, Reversal
from edge.errors import Conflict, Forbidden, InvalidInput, NotFound
from edge.fields import utc_text
from edge.i18n import N_
from edge.intake import MAX_FIELD, TRANSITIONS, IntakeService, clean_text
from edge.models import Intake, User
from edge.roles import SUPERVISOR_ROLES

# Why an intake is cancelled; "other" needs its words in the note.
REASONS = {"citizen_withdrew": N_("The citizen withdrew"),
           "wrong_service": N_("The wrong service was chosen"),
           "wrong_details": N_("The details were entered wrongly"),
           "duplicate": N_("Recorded twice"),
           "other": N_("Another reason (write it)")}


def clean_reason(reason, note) -> tuple[str, str]:
    """(reason code, note): a reason from the list, and words for "other"."""
    if reason not in REASONS:
        raise InvalidInput("cancellation.reason", "reason")
    note = clean_text(note, "note", MAX_FIELD)
    if reason == "other" and not note:
        raise InvalidInput("cancellation.note_required", "note")
    return reason, note


def reversal_payload(reversal: Reversal) -> dict:
    """What the centre (and the day's totals) learn of a reversal."""
    return {"tracking_code": reversal.intake.tracking_code,
            "amount_rials": reversal.amount_rials,
            "payment": {"method": reversal.payment_method,
                        "reference": reversal.payment_reference},
            "reason": reversal.reason, "note": reversal.note,
            "approved_by": reversal.approved_by.username,
            "approved_at": utc_text(reversal.approved_at)}


def request_payload(request: CancellationRequest) -> dict:
    return {"id": request.id, "tracking_code": request.intake.tracking_code,
            "reason": request.reason, "note": request.note, "state": request.state,
            "requested_by": request.requested_by.username,
            "requested_at": utc_text(request.requested_at),
            "decided_by": request.decided_by.username if request.decided_by_id else None,
            "decided_at": utc_text(request.decided_at) if request.decided_at else None,
            "decision_note": request.decision_note}


class CancellationService:
    def __init__(self, store, intakes: IntakeService):
        self.store = store
        self.intakes = intakes
        self.events = intakes.events

    def cancel(self, tracking_code: str, user: User, reason, note="") \
            -> CancellationRequest | Reversal:
        """A supervisor's cancellation is done (the Reversal); an operator's
        is a pending request."""
        reason, note = clean_reason(reason, note)
        with self.store.write():
            intake = self.intakes.get(tracking_code)
            if "cancelled" not in TRANSITIONS.get(intake.status, ()):
                raise Conflict("intake.bad_transition", "status",
                               current=intake.status, target="cancelled")
            if self.pending_for(intake) is not None:
                raise Conflict("cancellation.already_requested")
            if user.role in SUPERVISOR_ROLES:
                return self._reverse(intake, user, reason, note, None)
            return self._request(intake, user, reason, note)

    def approve(self, request_id: int, supervisor: User, note="") -> Reversal:
        note = self._decision_note(supervisor, note)
        with self.store.write():
            request = self._pending(request_id)
            reversal = self._reverse(request.intake, supervisor, request.reason, request.note,
                                     request)
            self._decide(request, APPROVED, supervisor, note, reversal.approved_at)
            return reversal

    def refuse(self, request_id: int, supervisor: User, note="") -> CancellationRequest:
        note = self._decision_note(supervisor, note)
        with self.store.write():
            request = self._pending(request_id)
            stamp = self.events.record(
                supervisor.username, "cancellation.refused", request.intake.tracking_code,
                {"request": request.id, "note": note}, "cancellation.refused",
                {"request": request.id, "tracking_code": request.intake.tracking_code,
                 "by": supervisor.username, "note": note})
            self._decide(request, REFUSED, supervisor, note, stamp.at)
            return request

    def pending(self) -> list[CancellationRequest]:
        """Requests waiting for a supervisor, oldest first."""
        model = self.store.models.CancellationRequest
        return list(model.select().where(model.state == PENDING).order_by(model.id))

    def pending_for(self, intake: Intake) -> CancellationRequest | None:
        model = self.store.models.CancellationRequest
        return model.get_or_none((model.intake == intake.id) & (model.state == PENDING))

    def latest_for(self, intake: Intake) -> CancellationRequest | None:
        model = self.store.models.CancellationRequest
        return model.select().where(model.intake == intake.id).order_by(model.id.desc()).first()

    def reversal_of(self, intake: Intake) -> Reversal | None:
        model = self.store.models.Reversal
        return model.get_or_none(model.intake == intake.id)

    def reversals_between(self, start: datetime, end: datetime) -> list[Reversal]:
        """Reversals approved in [start, end): the money that left those days."""
        model = self.store.models.Reversal
        return list(model.select().where((model.approved_at >= start) &
                                         (model.approved_at < end)).order_by(model.id))

    @staticmethod
    def _decision_note(supervisor: User, note) -> str:
        if supervisor.role not in SUPERVISOR_ROLES:
            raise Forbidden("auth.forbidden")
        return clean_text(note, "note", MAX_FIELD)

    def _pending(self, request_id: int) -> CancellationRequest:
        model = self.store.models.CancellationRequest
        request = model.get_or_none(model.id == request_id)
        if request is None:
            raise NotFound("cancellation.not_found", "id")
        if request.state != PENDING:
            raise Conflict("cancellation.decided")
        return request

    def _request(self, intake: Intake, operator: User, reason: str,
                 note: str) -> CancellationRequest:
        stamp = self.events.stamp()
        request = self.store.models.CancellationRequest.create(
            intake=intake, reason=reason, note=note, requested_by=operator,
            requested_at=stamp.at)
        self.events.record(operator.username, "cancellation.requested", intake.tracking_code,
                           {"request": request.id, "reason": reason, "note": note},
                           "cancellation.requested", request_payload(request), stamp)
        return request

    def _reverse(self, intake: Intake, supervisor: User, reason: str, note: str,
                 request: CancellationRequest | None) -> Reversal:
        """The intake cancelled and its fee reversed, dated now."""
        # the history keeps the note; the reason (a code, read in the reader's
        # language) is on the reversal
        stamp = self.intakes.move(intake, "cancelled", supervisor, note)
        reversal = self.store.models.Reversal.create(
            intake=intake, amount_rials=intake.fee_rials, payment_method=intake.payment_method,
            payment_reference=intake.payment_reference, reason=reason, note=note,
            request=request, approved_by=supervisor, approved_at=stamp.at, hlc=stamp.hlc)
        self.events.record(supervisor.username, "intake.reversed", intake.tracking_code,
                           {"amount_rials": reversal.amount_rials, "reason": reason},
                           "intake.reversed", reversal_payload(reversal), stamp)
        return reversal

    @staticmethod
    def _decide(request: CancellationRequest, state: str, supervisor: User, note: str,
                at: datetime) -> None:
        request.state, request.decided_by, request.decided_at = state, supervisor, at
        request.decision_note = note
        request.save()
