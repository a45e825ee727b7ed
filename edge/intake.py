"""Intake: a citizen's service request taken at the counter, offline.

The fee is the tariff in force at intake time (law article 4: tariffs are set
centrally; an operator cannot type one). An intake, its first status, its
audit entry and its outbox record are written in one transaction; the hooks
other parts of the box register (receipt print job, tracking-code SMS) run
inside that transaction too.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable

from peewee import fn

from edge import (daybook, device_state, folding, idempotency, licence, nationalcode, phone,
                  plain_sql, tracking)
from edge.confidential import fields as confidential_fields
from edge.confidential.fields import ConfidentialFields
from edge.digits import to_ascii_digits
from edge.errors import Conflict, InvalidInput, NotFound
from edge.events import EventLog, Stamp
from edge.fields import utc_text
from edge.jalali import IRAN
from edge.storage import DiskReserve
from edge.text import refuse_control_characters
from edge.models import PAYMENT_METHODS, Intake, IntakeStatusChange, Service, Tariff, User

COUNTER_KEY = "intake.counter"
MAX_NAME = 100
MAX_FIELD = 200
MAX_REFERENCE = 40
MAX_LOCATION = 100

# received -> in_progress -> done; cancelled before done, only through
# edge.cancellation (a supervisor's decision, with a reason); on the way it may
# wait on the citizen or the agency, and resumes in progress.
TRANSITIONS = {
    "received": ("in_progress", "waiting_citizen", "waiting_agency", "cancelled"),
    "in_progress": ("done", "waiting_citizen", "waiting_agency", "cancelled"),
    "waiting_citizen": ("in_progress", "cancelled"),
    "waiting_agency": ("in_progress", "cancelled"),
    "done": (),
    "cancelled": (),
}

IntakeHook = Callable[[Intake], None]
StatusHook = Callable[[Intake, str], None]   # (the intake, the status it left)


@dataclass
class IntakeRequest:
    service_code: str
    national_code: str
    full_name: str
    mobile: str
    fields: dict = field(default_factory=dict)
    payment_method: str = "cash"
    payment_reference: str = ""   # a card payment's RRN
    location: str = ""
    card_last4: str = ""


@dataclass(frozen=True)
class CleanIntake:
    """An intake request whose every value has been checked and normalised."""
    service: Service
    national_code: str
    full_name: str
    mobile: str
    fields: dict
    payment_method: str
    payment_reference: str
    location: str
    card_last4: str


def clean_request(store, request: IntakeRequest) -> CleanIntake:
    """Check every value; InvalidInput names the first field that is wrong."""
    service = plain_sql.first(store.db, store.models.Service, "SELECT * FROM service WHERE code = ?",
                         request.service_code)
    if service is None:
        raise InvalidInput("service.unknown", "service_code")
    if not service.offered:
        raise InvalidInput("service.not_offered", "service_code")
    return CleanIntake(
        service=service,
        national_code=nationalcode.validate(request.national_code),
        full_name=clean_text(request.full_name, "full_name", MAX_NAME, required=True),
        mobile=phone.normalize_mobile(request.mobile),
        fields=clean_service_fields(service, request.fields),
        payment_method=clean_payment_method(request.payment_method),
        payment_reference=clean_payment_reference(request.payment_method,
                                                  request.payment_reference),
        location=clean_text(request.location, "location", MAX_LOCATION),
        card_last4=clean_card_last4(request.payment_method, request.card_last4),
    )


def clean_service_fields(service: Service, values: dict) -> dict:
    """The service's own fields: known names only, required ones filled, not too long."""
    specs = {spec["name"]: spec for spec in service.fields}
    for name in values:
        if name not in specs:
            raise InvalidInput("field.unknown", f"fields.{name}", field=name)
    cleaned = {}
    for name, spec in specs.items():
        label = f"fields.{name}"
        value = clean_text(values.get(name, ""), label, spec.get("max_length", MAX_FIELD),
                      required=spec.get("required", False))
        if value and spec.get("digits"):
            value = _digits_only(value, label)
        if value:
            cleaned[name] = value
    return cleaned


def clean_text(value, field_name: str, max_length: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput("field.type", field_name, field=field_name, type="string")
    value = " ".join(refuse_control_characters(value, field_name).split())
    if required and not value:
        raise InvalidInput("field.required", field_name, field=field_name)
    if len(value) > max_length:
        raise InvalidInput("field.too_long", field_name, field=field_name, max=max_length)
    return value


def _digits_only(value: str, field_name: str) -> str:
    digits = to_ascii_digits(value).replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidInput("field.type", field_name, field=field_name, type="integer")
    return digits


def clean_payment_method(method) -> str:
    if method not in PAYMENT_METHODS:
        raise InvalidInput("field.choice", "payment.method", field="payment.method")
    return method


def clean_payment_reference(method, reference) -> str:
    """A card payment's terminal reference (RRN); free text beside cash."""
    if method == "card":
        return daybook.clean_rrn(reference)
    return clean_text(reference, "payment.reference", MAX_REFERENCE)


def clean_card_last4(method, last4) -> str:
    """The last four digits of a card payment's card; nothing beside cash."""
    return daybook.clean_card_last4(last4) if method == "card" else ""


def tariff_in_force(store, service: Service, at: datetime) -> Tariff:
    tariff = plain_sql.first(store.db, store.models.Tariff,
                        "SELECT * FROM tariff WHERE service_id = ? AND effective_from <= ?"
                        " ORDER BY effective_from DESC LIMIT 1", service.id, utc_text(at))
    if tariff is None:
        raise InvalidInput("tariff.none", "service_code")
    return tariff


def status_history(store, intake: Intake) -> list[IntakeStatusChange]:
    """The intake's status changes, oldest first, with who made each."""
    change, user = store.models.IntakeStatusChange, store.models.User
    return list(change.select(change, user).join(user)
                .where(change.intake == intake.id).order_by(change.id))


def intake_payload(intake: Intake, card_last4: str = "") -> dict:
    """What the centre receives about a new intake."""
    payment = {"method": intake.payment_method, "reference": intake.payment_reference}
    if intake.payment_method == "card":
        payment["card_last4"] = card_last4
    return {
        "tracking_code": intake.tracking_code,
        "service_code": intake.service.code,
        "fee_rials": intake.fee_rials,
        "tariff_version": intake.tariff_version,
        "national_code": intake.national_code,
        "full_name": intake.full_name,
        "mobile": intake.mobile,
        "fields": intake.fields,
        "payment": payment,
        "operator": intake.operator.username,
        "created_at": utc_text(intake.created_at),
        "location": intake.location,
    }


class IntakeService:
    def __init__(self, store, events: EventLog, device_tag: str, reserve: DiskReserve,
                 hooks: list[IntakeHook] | None = None,
                 confidential: ConfidentialFields | None = None,
                 status_hooks: list[StatusHook] | None = None):
        self.store = store
        self.reserve = reserve
        self.events = events
        self.device_tag = device_tag
        self.hooks = hooks if hooks is not None else []
        self.confidential = confidential
        self.status_hooks = status_hooks if status_hooks is not None else []
        self.accepting = True   # cleared when the UPS reports a power failure

    def create(self, request: IntakeRequest, operator: User,
               idempotency_key: str | None = None) -> Intake:
        """The new intake; with `idempotency_key`, the intake that key made
        already when the same request comes again (`edge.idempotency`)."""
        sent = idempotency.submission(operator, idempotency_key, request) \
            if idempotency_key is not None else None
        if sent is not None and (earlier := idempotency.earlier_intake(self.store, sent)):
            return earlier   # a retry answers as the first did, whatever changed since
        clean = clean_request(self.store, request)
        if not self.accepting:
            raise Conflict("intake.power_fail")
        self.reserve.check()
        # Intakes from several counters at once share one commit (and fsync).
        return self.store.write_together(lambda: self._write_intake(clean, operator, sent))

    def _write_intake(self, clean: CleanIntake, operator: User,
                      sent: idempotency.Submission | None) -> Intake:
        """The intake, its first status, audit entry, outbox record, its key
        and the hooks' rows; runs inside a write transaction. The key is
        looked up again here, under the writer: a repeat that was waiting
        for the first finds it now."""
        if sent is not None and (earlier := idempotency.earlier_intake(self.store, sent)):
            return earlier
        stamp = self.events.stamp()
        licence.ensure_in_force(self.store, stamp.at)
        tariff = tariff_in_force(self.store, clean.service, stamp.at)
        day = daybook.business_day(self.store, stamp.at)
        if clean.payment_method == "card":
            daybook.refuse_a_repeated_rrn(self.store, day, clean.payment_reference)
        code = tracking.make_code(self.device_tag,
                                  device_state.next_number(self.store.db, COUNTER_KEY))
        personal = {"national_code": clean.national_code, "full_name": clean.full_name,
                    "mobile": clean.mobile, "fields": clean.fields}
        sealing = clean.service.confidential and self.confidential is not None
        intake = plain_sql.create(
            self.store.db, self.store.models.Intake,
            tracking_code=code, service=clean.service, tariff=tariff,
            fee_rials=tariff.fee_rials, tariff_version=tariff.version,
            **(confidential_fields.mask(personal) if sealing else personal),
            payment_method=clean.payment_method,
            payment_reference=clean.payment_reference, status="received",
            operator=operator, created_at=stamp.at, hlc=stamp.hlc, location=clean.location)
        # The centre's record (sealed to its key) and the receipt and SMS get
        # the whole intake; the row on disk holds the mask of a confidential one.
        whole = copy.copy(intake)
        if sealing:
            self.confidential.seal(intake.id, code, personal)
            whole.__data__ = {**intake.__data__, **personal}   # its own values, not the row's
        self._history(intake, None, "received", "", operator, stamp)
        daybook.enter(self.store, intake, day, clean.card_last4)
        if sent is not None:
            idempotency.remember(self.store, sent, intake, stamp.at)
        self.events.record(operator.username, "intake.created", code,
                           {"service": clean.service.code, "fee_rials": tariff.fee_rials},
                           "intake.created", intake_payload(whole, clean.card_last4), stamp)
        for hook in self.hooks:
            hook(whole)
        return intake

    def change_status(self, tracking_code: str, target: str, operator: User) -> Intake:
        """Moves an intake on (received -> in_progress -> done). Cancelling is
        not a status change here: it goes through `edge.cancellation`."""
        if target == "cancelled":
            raise InvalidInput("intake.cancel_separately", "status")
        with self.store.write():
            intake = self.get(tracking_code)
            self.move(intake, target, operator)
        return intake

    def move(self, intake: Intake, target: str, operator: User, reason: str = "") -> Stamp:
        """The status change, its audit entry, outbox record and history row;
        call inside a write transaction."""
        if target not in TRANSITIONS.get(intake.status, ()):
            raise Conflict("intake.bad_transition", "status",
                           current=intake.status, target=target)
        before = intake.status
        intake.status = target
        intake.save()
        stamp = self.events.record(
            operator.username, "intake.status_changed", intake.tracking_code,
            {"from": before, "to": target, "reason": reason},
            "intake.status_changed",
            {"tracking_code": intake.tracking_code, "from": before, "to": target,
             "reason": reason, "by": operator.username})
        self._history(intake, before, target, reason, operator, stamp)
        for hook in self.status_hooks:   # e.g. the "your request is done" SMS
            hook(intake, before)
        return stamp

    def get(self, tracking_code: str) -> Intake:
        code = tracking.normalize(tracking_code)
        model = self.store.models.Intake
        intake = model.get_or_none(model.tracking_code == code)
        if intake is None:
            raise NotFound("intake.not_found", "tracking_code")
        return intake

    def _history(self, intake: Intake, before: str | None, after: str, reason: str,
                 operator: User, stamp: Stamp) -> None:
        plain_sql.insert(self.store.db, self.store.models.IntakeStatusChange,
                    {"intake": intake, "from_status": before, "to_status": after,
                     "reason": reason, "user": operator, "at": stamp.at, "hlc": stamp.hlc})


@dataclass
class IntakeQuery:
    """A search by any of these; dates are Iran-time calendar days, inclusive."""
    tracking_code: str = ""
    national_code: str = ""
    mobile: str = ""
    full_name: str = ""     # words found in the name, folded (edge.folding)
    service_code: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 20


def search(store, query: IntakeQuery) -> tuple[list[Intake], int]:
    """(the page of intakes, newest first, and how many match in all)."""
    intake, service = store.models.Intake, store.models.Service
    selection = intake.select(intake, service).join(service)
    if query.tracking_code:
        selection = selection.where(intake.tracking_code == tracking.normalize(query.tracking_code))
    if query.national_code:
        national_code = nationalcode.validate(query.national_code)
        selection = selection.where(intake.national_code == national_code)
    if query.mobile:
        selection = selection.where(intake.mobile == phone.normalize_mobile(query.mobile))
    if query.full_name:
        selection = _by_name(selection, intake, service, query.full_name)
    if query.service_code:
        selection = selection.where(service.code == query.service_code)
    if query.status:
        selection = selection.where(intake.status == query.status)
    if query.date_from:
        selection = selection.where(intake.created_at >= _iran_midnight(query.date_from))
    if query.date_to:
        end = _iran_midnight(query.date_to) + timedelta(days=1)
        selection = selection.where(intake.created_at < end)
    total = selection.count()
    page = selection.order_by(intake.id.desc()).paginate(query.page, query.per_page)
    return list(page), total


def _by_name(selection, intake, service, typed: str):
    """Intakes whose name holds every typed word, folded in SQL; never a
    confidential one (its name is sealed, and must not be found by it)."""
    name_key = fn.search_key(intake.full_name)
    for word in folding.query_words(typed):
        selection = selection.where(fn.instr(name_key, word) > 0)
    return selection.where(service.confidential == False)  # noqa: E712


def _iran_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), IRAN)
