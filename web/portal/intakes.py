"""Intakes at the counter: the new-intake form, the detail page with status
changes and cancellation, the receipt, and the search."""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime
from urllib.parse import urlencode

from flask import (Blueprint, abort, current_app, g, jsonify, redirect, render_template, request,
                   url_for)

from edge import intake as intake_rules
from edge import citizens, jalali, nationalcode, phone, receipts, tracking
from edge.cancellation.rules import REASONS
from edge.catalogue import services_with_fees
from edge.confidential.fields import PERSONAL
from edge.digits import is_ascii_number, to_ascii_digits
from edge.errors import EdgeError, Unprocessable
from edge.folding import fold
from edge.intake import TRANSITIONS, IntakeQuery, IntakeRequest, status_history, tariff_in_force
from edge.models import INTAKE_STATUSES, PAYMENT_METHODS, Service
from edge.roles import CITIZEN_DATA_ROLES
from web.portal.access import roles_required
from web.portal.forms import FieldErrors, message_for
from web.api import sms_reason
from web.portal.i18n import N_, digits, gettext, translator
from web.portal.qr import qr_svg

blueprint = Blueprint("intakes", __name__, url_prefix="/intakes")

PER_PAGE = 20
MAX_INPUT = 300
NOTICES = {"saved": N_("The intake is saved. Give the citizen the receipt."),
           "status": N_("The status is changed."),
           "cancelled": N_("The intake is cancelled and its fee reversed."),
           "cancel_requested": N_("The cancellation is asked for; a supervisor decides."),
           "reprinted": N_("The receipt is sent to the receipt printer."),
           "resent": N_("The SMS is queued to be sent again.")}
SMS_KINDS = {"tracking_code": N_("Tracking code"), "done": N_("Request done, rating asked"),
             "cancelled": N_("Request cancelled")}
SMS_STATES = {"queued": N_("waiting to be sent"), "sending": N_("being sent"),
              "sent": N_("sent"), "delivered": N_("delivered"), "failed": N_("failed")}
_SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def box():
    return current_app.config["BOX"]


def matches(service: Service, query: str) -> bool:
    wanted = fold(query)
    haystack = fold(" ".join((service.name_fa, service.name_en, service.code, service.agency)))
    return all(word in haystack for word in wanted.split())


def offered_services(query: str = "") -> list[tuple[Service, object]]:
    rows = services_with_fees(box().store, box().clock.now())
    return [(service, tariff) for service, tariff in rows if not query or matches(service, query)]


def _service(code: str) -> Service | None:
    service = box().store.models.Service
    return service.get_or_none(service.code == code)


def field_labels(service: Service | None) -> dict[str, str]:
    labels = {"service_code": gettext("Service"), "national_code": gettext("National code"),
              "full_name": gettext("Full name"), "mobile": gettext("Mobile number"),
              "payment.method": gettext("Payment"),
              "payment.reference": gettext("Bank reference number"),
              "payment.card_last4": gettext("Card's last four digits")}
    for spec in (service.fields if service else ()):
        labels[f"fields.{spec['name']}"] = spec_label(spec)
    return labels


def spec_label(spec: dict) -> str:
    return spec.get("label_fa" if g.lang == "fa" else "label_en") or spec["name"]


def form_value(name: str) -> str:
    return request.form.get(name, "")[:MAX_INPUT]


# --- new intake ---------------------------------------------------------------

@blueprint.get("/new")
@roles_required(*CITIZEN_DATA_ROLES)
def new():
    code = request.args.get("service", "")
    if not code:
        query = request.args.get("q", "")[:100]
        return render_template("intake_choose.html", query=query,
                               services=offered_services(query))
    service = _service(code)
    if service is None or not service.offered:
        return redirect(url_for("intakes.new"), 303)
    return _render_form(service, {"payment.method": "cash", "submission": new_submission()},
                        FieldErrors())


def new_submission() -> str:
    """The one-time token of a new form: its submissions make one intake
    (the token is the intake's idempotency key), however often it is sent."""
    return secrets.token_urlsafe(16)


def submission_key(values: dict) -> str | None:
    token = values["submission"]
    return f"form:{token}" if _SUBMISSION_TOKEN.fullmatch(token) else None


def _render_form(service: Service, values: dict, errors: FieldErrors, status: int = 200):
    try:
        tariff = tariff_in_force(box().store, service, box().clock.now())
    except EdgeError:
        tariff = None
    return render_template("intake_form.html", service=service, tariff=tariff, values=values,
                           errors=errors, labels=field_labels(service),
                           spec_label=spec_label, methods=PAYMENT_METHODS), status


def check_form(service: Service, values: dict) -> FieldErrors:
    """Every field checked on its own, so all problems are shown at once."""
    errors = FieldErrors()
    labels = field_labels(service)
    errors.check("national_code", labels["national_code"], nationalcode.validate,
                 values["national_code"])
    errors.check("mobile", labels["mobile"], phone.normalize_mobile, values["mobile"])
    if not values["full_name"].strip():
        errors["full_name"] = gettext("Write the citizen's full name.")
    for spec in service.fields:
        one_field = Service(fields=[spec])
        name = f"fields.{spec['name']}"
        errors.check(name, labels[name], intake_rules.clean_service_fields, one_field,
                     {spec["name"]: values[name]})
    method = values["payment.method"]
    if method not in PAYMENT_METHODS:
        errors["payment.method"] = gettext("Choose cash or card.")
    else:
        errors.check("payment.reference", labels["payment.reference"],
                     intake_rules.clean_payment_reference, method, values["payment.reference"])
        errors.check("payment.card_last4", labels["payment.card_last4"],
                     intake_rules.clean_card_last4, method, values["payment.card_last4"])
    return errors


@blueprint.post("/new")
@roles_required(*CITIZEN_DATA_ROLES)
def create():
    service = _service(form_value("service_code"))
    if service is None or not service.offered:
        return redirect(url_for("intakes.new"), 303)
    names = ["national_code", "full_name", "mobile", "payment.method", "payment.reference",
             "payment.card_last4", "submission"]
    names += [f"fields.{spec['name']}" for spec in service.fields]
    values = {name: form_value(name) for name in names}
    errors = check_form(service, values)
    if errors:
        return _render_form(service, values, errors, 400)
    fields = {spec["name"]: values[f"fields.{spec['name']}"] for spec in service.fields
              if values[f"fields.{spec['name']}"].strip()}
    try:
        made = box().intakes.create(IntakeRequest(
            service_code=service.code, national_code=values["national_code"],
            full_name=values["full_name"], mobile=values["mobile"], fields=fields,
            payment_method=values["payment.method"],
            payment_reference=values["payment.reference"],
            card_last4=values["payment.card_last4"]), g.user,
            idempotency_key=submission_key(values))
    except Unprocessable:
        # The form was saved, then sent again with other values (the browser's Back):
        # say so; pressing the button again records them as a new intake.
        values["submission"] = new_submission()
        errors["form"] = gettext("This form was saved already, with other values. Press the "
                                 "button again to record these as a new intake.")
        return _render_form(service, values, errors, 422)
    except EdgeError as error:
        errors.add(error, field_labels(service))
        return _render_form(service, values, errors, error.status)
    return redirect(url_for("intakes.detail", code=made.tracking_code, done="saved"), 303)


@blueprint.post("/citizen")
@roles_required(*CITIZEN_DATA_ROLES)
def citizen():
    """The name and mobile the box last took with a national code, for the
    form's script to fill in (a POST: national codes stay out of addresses
    and logs). {"found": false} for a citizen not seen, or seen only for a
    confidential service."""
    try:
        details = citizens.last_details(box().store, form_value("national_code"))
    except EdgeError as error:
        return jsonify(error={"code": error.code, "message": message_for(error)}), error.status
    if details is None:
        return jsonify(found=False)
    return jsonify(found=True, full_name=details["full_name"],
                   mobile=phone.local_form(details["mobile"]))


# --- one intake ---------------------------------------------------------------

def _render_detail(item, errors: FieldErrors | None = None, values: dict | None = None,
                   status: int = 200):
    notice = NOTICES.get(request.args.get("done", ""))
    nexts = [target for target in TRANSITIONS.get(item.status, ()) if target != "cancelled"]
    cancellations = box().cancellations
    person, masked = personal_fields(item)
    return render_template(
        "intake_detail.html", item=item, history=status_history(box().store, item),
        person=person, masked=masked,
        next_statuses=nexts, can_cancel="cancelled" in TRANSITIONS.get(item.status, ()),
        cancellation=cancellations.latest_for(item), reversal=cancellations.reversal_of(item),
        reasons=REASONS, errors=errors or {}, values=values or {},
        notice=gettext(notice) if notice else None,
        can_reprint=box().parts.printer is not None, texts=texts_about(item),
        field_specs={spec["name"]: spec for spec in item.service.fields},
        spec_label=spec_label), status


def personal_fields(item) -> tuple[dict, bool]:
    """(the citizen's fields as this user may see them, whether they are masked).
    A confidential intake opens whole only for the roles its service allows,
    each time audited."""
    fields = box().confidential
    if item.service.confidential and fields is not None:
        if fields.may_reveal(item.service, g.user.role):
            return fields.reveal(item, g.user), False
        return {name: getattr(item, name) for name in PERSONAL}, True
    return {name: getattr(item, name) for name in PERSONAL}, False


def texts_about(item) -> list[dict] | None:
    """The SMS sent about the intake, in words; None where the box has no modem."""
    modem = box().parts.modem
    if modem is None:
        return None
    reader = translator()
    return [{"id": sms["id"], "kind": gettext(SMS_KINDS.get(sms["kind"], sms["kind"])),
             "state": sms["state"], "state_words": gettext(SMS_STATES[sms["state"]]),
             "at": datetime.fromisoformat(sms["at"]), "reason": sms_reason(sms, reader),
             "can_resend": sms["state"] not in ("queued", "sending")}
            for sms in modem.messages_about(item.tracking_code)]


def _get(code: str):
    try:
        return box().intakes.get(code)
    except EdgeError:
        abort(404)


@blueprint.get("/<code>")
@roles_required(*CITIZEN_DATA_ROLES)
def detail(code: str):
    item = _get(code)
    if item.tracking_code != code:
        return redirect(url_for("intakes.detail", code=item.tracking_code), 303)
    return _render_detail(item)


@blueprint.post("/<code>/status")
@roles_required(*CITIZEN_DATA_ROLES)
def change_status(code: str):
    item = _get(code)
    target = form_value("status")
    if target not in INTAKE_STATUSES or target == "cancelled":
        abort(400)
    try:
        box().intakes.change_status(item.tracking_code, target, g.user)
    except EdgeError as error:
        return _render_detail(item, FieldErrors(status=message_for(error)), status=error.status)
    return _changed(item, "status")


@blueprint.post("/<code>/cancel")
@roles_required(*CITIZEN_DATA_ROLES)
def cancel(code: str):
    """A supervisor cancels; an operator asks a supervisor to."""
    item = _get(code)
    values = {"reason": form_value("reason"), "note": form_value("note")}
    try:
        outcome = box().cancellations.cancel(item.tracking_code, g.user, values["reason"],
                                             values["note"])
    except EdgeError as error:
        labels = {"reason": gettext("Reason for cancelling"), "note": gettext("In words")}
        errors = FieldErrors({error.field or "reason": message_for(error, labels.get(error.field))})
        return _render_detail(item, errors, values, error.status)
    done = "cancelled" if isinstance(outcome, box().store.models.Reversal) else "cancel_requested"
    return _changed(item, done)


def _changed(item, done: str):
    """Back to the work queue when the change was made there, else to the intake."""
    if form_value("back") == "queue":
        return redirect(url_for("dashboard.home", done=done, _anchor="queue"), 303)
    return redirect(url_for("intakes.detail", code=item.tracking_code, done=done), 303)


@blueprint.get("/<code>/receipt")
@roles_required(*CITIZEN_DATA_ROLES)
def receipt(code: str):
    item = _get(code)
    printer = box().parts.printer
    printed = printer.receipts_printed(item.tracking_code) if printer is not None else 0
    return render_template("receipt.html", item=item, spec_label=spec_label, printed=printed,
                           field_specs={spec["name"]: spec for spec in item.service.fields},
                           proof_qr=qr_svg(receipts.proof_text(item, box().keys.signing_key.sign),
                                           gettext("The receipt's signed code")))


@blueprint.post("/<code>/reprint")
@roles_required(*CITIZEN_DATA_ROLES)
def reprint(code: str):
    """The intake page's one print button: the receipt on the box's printer
    (a copy, marked as such, after the first), when the hardware part offers it."""
    item = _get(code)
    printer = box().parts.printer
    if printer is None:
        return _render_detail(item, FieldErrors(reprint=gettext(
            "No receipt printer is configured on this box; use the browser's Print.")),
            status=409)
    printer.reprint_receipt(item.tracking_code, g.user)
    return redirect(url_for("intakes.detail", code=item.tracking_code, done="reprinted"), 303)


@blueprint.post("/<code>/sms/<int:message_id>/resend")
@roles_required(*CITIZEN_DATA_ROLES)
def resend_sms(code: str, message_id: int):
    item = _get(code)
    modem = box().parts.modem
    if modem is None:
        abort(404)
    try:
        modem.resend(message_id, item.tracking_code)
    except EdgeError as error:
        return _render_detail(item, FieldErrors(sms=message_for(error)), status=error.status)
    return redirect(url_for("intakes.detail", code=item.tracking_code, done="resent"), 303)


# --- search -------------------------------------------------------------------

SEARCH_FIELDS = ("tracking_code", "national_code", "mobile", "name", "service", "status", "from",
                 "to")


def read_query(args) -> tuple[IntakeQuery, FieldErrors, dict]:
    values = {name: args.get(name, "")[:100].strip() for name in SEARCH_FIELDS}
    errors = FieldErrors()
    query = IntakeQuery(per_page=PER_PAGE)
    if values["tracking_code"]:
        query.tracking_code = errors.check("tracking_code", gettext("Tracking code"),
                                           tracking.normalize, values["tracking_code"]) or ""
    if values["national_code"]:
        query.national_code = errors.check("national_code", gettext("National code"),
                                           nationalcode.validate, values["national_code"]) or ""
    if values["mobile"]:
        query.mobile = errors.check("mobile", gettext("Mobile number"),
                                    phone.normalize_mobile, values["mobile"]) or ""
    query.full_name = values["name"]
    query.service_code = values["service"]
    query.status = values["status"] if values["status"] in INTAKE_STATUSES else ""
    for name, attribute in (("from", "date_from"), ("to", "date_to")):
        if values[name]:
            try:
                setattr(query, attribute, jalali.parse_date(values[name]))
            except ValueError:
                errors[name] = gettext("Write a Jalali date like %(example)s.",
                                       example=digits("1405/09/10"))
    page = to_ascii_digits(args.get("page", "1"))
    query.page = int(page) if is_ascii_number(page) and 0 < int(page) < 10**6 else 1
    return query, errors, values


@blueprint.get("")
@roles_required(*CITIZEN_DATA_ROLES)
def search():
    query, errors, values = read_query(request.args)
    found, total, searched = [], 0, any(values.values())
    if not errors:
        found, total = intake_rules.search(box().store, query)
    if query.tracking_code and total == 1:   # the whole code typed: straight to the intake
        return redirect(url_for("intakes.detail", code=found[0].tracking_code), 303)
    pages = max(1, math.ceil(total / PER_PAGE))
    kept = {name: value for name, value in values.items() if value}

    def page_url(number: int) -> str:
        return url_for("intakes.search") + "?" + urlencode({**kept, "page": number})

    return render_template(
        "intake_search.html", found=found, total=total, values=values, errors=errors,
        page=query.page, pages=pages, page_url=page_url, searched=searched,
        services=box().store.models.Service.select().order_by(box().store.models.Service.id),
        statuses=INTAKE_STATUSES)
