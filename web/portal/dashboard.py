"""`/`: today at the counter — intakes and fees, the link and the queue, the
devices and anything that needs the operator's attention. `/reports` sums a
date range per service for supervisors."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, g, render_template, request
from peewee import fn

from edge import catalogue, jalali
from edge.errors import EdgeError
from edge.intake import check_licence
from edge.models import Intake, Office, Service
from web.portal import status
from web.portal.access import CITIZEN_DATA, EVERYONE, SUPERVISOR, roles_required
from web.portal.i18n import digits, gettext

blueprint = Blueprint("dashboard", __name__)

OLD_QUEUE_SECONDS = 24 * 3600
LICENCE_WARNING_DAYS = 30
RECENT = 10


def day_start(moment: datetime) -> datetime:
    local = moment.astimezone(jalali.IRAN)
    return datetime.combine(local.date(), time(0, 0), jalali.IRAN)


def totals(start: datetime, end: datetime) -> dict:
    """Intakes from start to end: how many, per status, and the fees of those not cancelled."""
    window = (Intake.created_at >= start) & (Intake.created_at < end)
    per_status = dict(Intake.select(Intake.status, fn.COUNT(Intake.id))
                      .where(window).group_by(Intake.status).tuples())
    fees = (Intake.select(fn.COALESCE(fn.SUM(Intake.fee_rials), 0))
            .where(window & (Intake.status != "cancelled")).scalar())
    return {"count": sum(per_status.values()), "per_status": per_status, "fees": fees or 0}


def alerts(box) -> list[str]:
    found = []
    now = box.clock.now()
    try:
        check_licence(now)
    except EdgeError as error:
        found.append(error.message(g.lang))
    office = Office.select().first()
    if office and office.licence_expires and \
            now < office.licence_expires < now + timedelta(days=LICENCE_WARNING_DAYS):
        found.append(gettext("The office's licence ends on %(day)s.",
                             day=jalali.format_date(office.licence_expires, g.lang)))
    if not box.intakes.accepting:
        found.append(gettext("Mains power has failed: new intakes are paused."))
    _, report = status.sync_report(box)
    if (report.get("oldest_unsent_age_seconds") or 0) > OLD_QUEUE_SECONDS:
        found.append(gettext("Events have waited more than a day to reach the centre: "
                             "check the link."))
    missing = [service for service, tariff in catalogue.services_with_fees(now) if tariff is None]
    if missing:
        found.append(gettext("Some services have no tariff in force and cannot be taken: "
                             "%(names)s.", names="، ".join(s.name(g.lang) for s in missing)))
    return found


@blueprint.get("/")
@roles_required(*EVERYONE)
def home():
    box = current_app.config["BOX"]
    start = day_start(box.clock.now())
    today = totals(start, start + timedelta(days=1))
    recent = []
    if g.user.role in CITIZEN_DATA:
        recent = list(Intake.select(Intake, Service).join(Service)
                      .where(Intake.created_at >= start)
                      .order_by(Intake.id.desc()).limit(RECENT))
    hardware_configured, hardware = status.hardware_report(box)
    return render_template(
        "dashboard.html", today=today, recent=recent, today_label=jalali.format_date(
            box.clock.now(), g.lang),
        link=status.link_summary(box), hardware_configured=hardware_configured,
        hardware_rows=status.rows(hardware), alerts=alerts(box))


@blueprint.get("/reports")
@roles_required(*SUPERVISOR)
def reports():
    box = current_app.config["BOX"]
    errors = {}
    now = box.clock.now()
    first = _date_arg("from", errors) or day_start(now).date()
    last = _date_arg("to", errors) or day_start(now).date()
    start = datetime.combine(first, time(0, 0), jalali.IRAN)
    end = datetime.combine(last, time(0, 0), jalali.IRAN) + timedelta(days=1)
    window = (Intake.created_at >= start) & (Intake.created_at < end)
    per_service = list(
        Service.select(Service, fn.COUNT(Intake.id).alias("taken"),
                       fn.SUM(Intake.fee_rials).alias("fees"))
        .join(Intake).where(window & (Intake.status != "cancelled"))
        .group_by(Service.id).order_by(fn.COUNT(Intake.id).desc()))
    return render_template(
        "reports.html", per_service=per_service, summary=totals(start, end), errors=errors,
        values={"from": request.args.get("from") or jalali.numeric_date(start, g.lang),
                "to": request.args.get("to") or jalali.numeric_date(end - timedelta(hours=1),
                                                                    g.lang)})


def _date_arg(name: str, errors: dict):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return jalali.parse_date(raw)
    except ValueError:
        errors[name] = gettext("Write a Jalali date like %(example)s.", example=digits("1405/09/10"))
        return None

