"""JSON API `/api/v1` (see DESIGN.md). Thin: parse, check, call the domain."""

from __future__ import annotations

import json
from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request

from edge import catalogue, daybook, jalali, users
from edge.daybook import closing
from edge import intake as intake_rules
from edge.cancellation import rules as cancellation_rules
from edge.digits import is_ascii_number
from edge.errors import Forbidden, InvalidInput, Throttled, Unauthorized
from edge.fields import utc_text
from edge.i18n import Translator
from edge.intake import IntakeQuery, IntakeRequest
from edge.models import Intake
from edge.roles import ALL_ROLES, CITIZEN_DATA_ROLES, SUPERVISOR_ROLES
from edge.sla import records as service_levels
from edge.voice.ratings import rating_json
from web import json_schemas, openapi
from web.errors import request_language, request_translator
from web.validation import validate

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100


def box():
    return current_app.config["BOX"]


def json_body(schema: dict) -> dict:
    """The request's JSON body, checked against `schema`."""
    raw = request.get_data(cache=False)
    try:
        document = json.loads(raw)
        # "\ud800" parses, but no UTF-8 text (nor SQLite) can hold a lone surrogate
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):   # UnicodeError is a ValueError
        raise InvalidInput("body.not_json") from None
    validate(document, schema)
    return document


def login_required(*roles: str):
    """Bearer-token login for the API, limited to `roles`."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            user = users.user_for_token(box().store, token.strip(), box().clock.now()) \
                if scheme.lower() == "bearer" and token else None
            if user is None:
                raise Unauthorized("auth.required")
            if user.role not in roles:
                raise Forbidden("auth.forbidden")
            g.user = user
            return view(*args, **kwargs)
        return wrapper
    return decorate


@blueprint.get("/health")
def health():
    current = box()
    return jsonify(status="ok", device=current.keys.device_id,
                   office=current.settings["office.code"], time=utc_text(current.clock.now()))


@blueprint.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(current_app))


@blueprint.post("/tokens")
def create_token():
    body = json_body(json_schemas.TOKEN_REQUEST)
    # the portal's throttle: guessing through the API is no faster than at /login
    throttle, address = current_app.extensions["login_throttle"], request.remote_addr or "?"
    wait = throttle.wait_seconds(body["username"], address)
    if wait:
        raise Throttled("auth.throttled", seconds=wait)
    user = users.authenticate(box().store, body["username"], body["password"])
    if user is None:
        throttle.failed(body["username"], address)
        raise Unauthorized("auth.bad_credentials")
    throttle.succeeded(body["username"], address)
    current = box()
    token = users.issue_token(current.store, current.events, user,
                              current.settings["api.token_hours"])
    return jsonify(token=token, role=user.role), 201


@blueprint.get("/services")
@login_required(*ALL_ROLES)
def list_services():
    lang = request_language()
    rows = catalogue.services_with_fees(box().store, box().clock.now())
    return jsonify(services=[service_json(service, tariff, lang) for service, tariff in rows])


def service_json(service, tariff, lang: str) -> dict:
    return {"code": service.code, "name": service.name(lang), "name_fa": service.name_fa,
            "name_en": service.name_en, "agency": service.agency,
            "fee_rials": tariff.fee_rials if tariff else None,
            "tariff_version": tariff.version if tariff else None,
            "sla_hours": service.sla_hours, "confidential": service.confidential,
            "fields": service.fields}


@blueprint.post("/intakes")
@login_required(*CITIZEN_DATA_ROLES)
def create_intake():
    body = json_body(json_schemas.INTAKE_REQUEST)
    payment = body["payment"]
    made = box().intakes.create(IntakeRequest(
        service_code=body["service_code"], national_code=body["national_code"],
        full_name=body["full_name"], mobile=body["mobile"], fields=body.get("fields", {}),
        payment_method=payment["method"], payment_reference=payment.get("reference", ""),
        card_last4=payment.get("card_last4", ""), location=body.get("location", "")), g.user,
        idempotency_key=request.headers.get("Idempotency-Key"))
    return jsonify(intake_json(made, request_language())), 201


@blueprint.get("/intakes/<code>")
@login_required(*CITIZEN_DATA_ROLES)
def get_intake(code: str):
    found = box().intakes.get(code)
    return jsonify({**intake_json(found, request_language(), with_history=True),
                    **confidential_view(found)})


def confidential_view(item: Intake) -> dict:
    """A confidential intake's personal fields whole for a role its service
    allows (each such view audited), else `"masked": true`; nothing for others."""
    fields = box().confidential
    if not item.service.confidential or fields is None:
        return {}
    if not fields.may_reveal(item.service, g.user.role):
        return {"masked": True}
    return {**fields.reveal(item, g.user), "masked": False}


@blueprint.post("/intakes/<code>/status")
@login_required(*CITIZEN_DATA_ROLES)
def change_status(code: str):
    body = json_body(json_schemas.STATUS_REQUEST)
    changed = box().intakes.change_status(code, body["status"], g.user)
    return jsonify(intake_json(changed, request_language(), with_history=True))


@blueprint.post("/intakes/<code>/cancel")
@login_required(*CITIZEN_DATA_ROLES)
def cancel_intake(code: str):
    """A supervisor's cancellation is done (200); an operator's waits for a
    supervisor (202)."""
    body = json_body(json_schemas.CANCEL_REQUEST)
    outcome = box().cancellations.cancel(code, g.user, body["reason"], body.get("note", ""))
    status = 202 if isinstance(outcome, box().store.models.CancellationRequest) else 200
    return jsonify(intake_json(outcome.intake, request_language(), with_history=True)), status


@blueprint.get("/cancellations")
@login_required(*SUPERVISOR_ROLES)
def pending_cancellations():
    return jsonify(cancellations=[cancellation_rules.request_payload(request)
                                  for request in box().cancellations.pending()])


@blueprint.post("/cancellations/<int:id>/approve")
@login_required(*SUPERVISOR_ROLES)
def approve_cancellation(id: int):
    return _decide_cancellation(box().cancellations.approve, id)


@blueprint.post("/cancellations/<int:id>/refuse")
@login_required(*SUPERVISOR_ROLES)
def refuse_cancellation(id: int):
    return _decide_cancellation(box().cancellations.refuse, id)


def _decide_cancellation(decide, request_id: int):
    body = json_body(json_schemas.DECISION_REQUEST)
    decided = decide(request_id, g.user, body.get("note", ""))
    return jsonify(intake_json(decided.intake, request_language(), with_history=True))


@blueprint.get("/intakes")
@login_required(*CITIZEN_DATA_ROLES)
def search_intakes():
    args = request.args
    query = IntakeQuery(
        tracking_code=args.get("tracking_code", ""), national_code=args.get("national_code", ""),
        mobile=args.get("mobile", ""), service_code=args.get("service_code", ""),
        status=args.get("status", ""),
        date_from=_jalali_arg("from"), date_to=_jalali_arg("to"),
        page=_int_arg("page", 1, 1, 10**6), per_page=_int_arg("per_page", 20, 1, MAX_PER_PAGE))
    found, total = intake_rules.search(box().store, query)
    lang = request_language()
    return jsonify(intakes=[intake_json(item, lang) for item in found], total=total,
                   page=query.page, per_page=query.per_page)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not is_ascii_number(raw) or not low <= int(raw) <= high:
        raise InvalidInput("field.range", name, field=name)
    return int(raw)


def _jalali_arg(name: str):
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return jalali.parse_date(raw)
    except ValueError:
        raise InvalidInput("field.type", name, field=name, type="string") from None


@blueprint.post("/day-close")
@login_required(*SUPERVISOR_ROLES)
def close_day():
    body = json_body(json_schemas.DAY_CLOSE_REQUEST)
    totals = closing.close_day(box().store, box().events, g.user, body["cash_counted_rials"])
    return jsonify(totals), 201


@blueprint.get("/reports/day")
@login_required(*SUPERVISOR_ROLES)
def day_report():
    """One business day's totals (today's by default), closed or running."""
    day = _jalali_arg("date") or daybook.business_day(box().store, box().clock.now())
    return jsonify(closing.report(box().store, day))


@blueprint.get("/sync")
@login_required(*ALL_ROLES)
def sync_state():
    current = box()
    if current.parts.sync is not None:
        return jsonify(current.parts.sync.status())
    age = current.outbox.oldest_age_seconds(current.clock.now())
    return jsonify(queue_depth=current.outbox.depth(), oldest_unsent_age_seconds=age or 0,
                   last_success=None, enrolled=False)


def intake_json(item: Intake, lang: str, with_history: bool = False) -> dict:
    document = intake_rules.intake_payload(item, daybook.card_last4(box().store, item))
    document.update(service_name=item.service.name(lang), status=item.status,
                    created_at_jalali=jalali.format_datetime(item.created_at, lang))
    if with_history:
        document["history"] = [
            {"from": change.from_status, "to": change.to_status, "reason": change.reason,
             "by": change.user.username, "at": utc_text(change.at)}
            for change in intake_rules.status_history(box().store, item)]
        document["sla"] = sla_json(item)
        document["rating"] = rating_json(box().ratings.of(item))
        translator = request_translator()
        document["sms"] = [{"kind": sms["kind"], "state": sms["state"], "at": sms["at"],
                            "reason": sms_reason(sms, translator)} for sms in texts_about(item)]
        request, reversal = (box().cancellations.latest_for(item),
                             box().cancellations.reversal_of(item))
        document["cancellation"] = cancellation_rules.request_payload(request) \
            if request else None
        document["reversal"] = cancellation_rules.reversal_payload(reversal) if reversal else None
    return document


def sla_json(item: Intake) -> dict | None:
    """The intake's service level now; null for a cancelled intake."""
    current = box()
    level = service_levels.level_of(current.store, current.settings, item, current.clock.now())
    if level is None:
        return None
    return {"due_at": utc_text(level.due_at), "state": level.state, "paused": level.paused}


def sms_reason(sms: dict, translator: Translator) -> str | None:
    """Why an SMS failed, in the reader's language: the modem's own Persian
    words where it has them, else the catalogue's."""
    if sms["reason"] is None:
        return None
    if translator.lang == "fa" and sms["reason_fa"]:
        return sms["reason_fa"]
    return translator.gettext(sms["reason"])


def texts_about(item: Intake) -> list[dict]:
    """The SMS sent about the intake; none where the box has no modem."""
    modem = box().parts.modem
    return modem.messages_about(item.tracking_code) if modem is not None else []
