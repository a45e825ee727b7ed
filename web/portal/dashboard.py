"""`/`: today at the counter — intakes and fees, the link and the queue, the
devices and anything that needs the operator's attention. `/reports` sums a
date range per service for supervisors."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, g, render_template, request
from peewee import fn

from edge import jalali, licence
from edge.fields import utc_text
from edge.roles import ALL_ROLES, CITIZEN_DATA_ROLES, SUPERVISOR_ROLES
from web.portal import status
from web.portal.forms import say
from web.portal.access import roles_required
from web.portal.i18n import digits, gettext

blueprint = Blueprint("dashboard", __name__)

OLD_QUEUE_SECONDS = 24 * 3600
LICENCE_WARNING_DAYS = 30
RECENT = 10


def day_start(moment: datetime) -> datetime:
    local = moment.astimezone(jalali.IRAN)
    return datetime.combine(local.date(), time(0, 0), jalali.IRAN)


# The dashboard is the page an operator reloads all day: its queries are plain
# SQL with parameters (peewee's query building cost more than the queries).
_TOTALS = ("SELECT status, COUNT(*), COALESCE(SUM(fee_rials), 0) FROM intake "
           "WHERE created_at >= ? AND created_at < ? GROUP BY status")
_REVERSED = ("SELECT COALESCE(SUM(amount_rials), 0) FROM reversal "
             "WHERE approved_at >= ? AND approved_at < ?")
_RECENT = ("SELECT i.tracking_code, i.full_name, i.fee_rials, i.status, s.name_fa, s.name_en "
           "FROM intake i JOIN service s ON s.id = i.service_id WHERE i.created_at >= ? "
           "ORDER BY i.id DESC LIMIT ?")
_NO_TARIFF = ("SELECT name_fa, name_en FROM service s WHERE s.offered = 1 AND NOT EXISTS "
              "(SELECT 1 FROM tariff t WHERE t.service_id = s.id AND t.effective_from <= ?)")


def _sql(box, query: str, *params) -> list[tuple]:
    return box.store.db.execute_sql(query, params).fetchall()


def totals(box, start: datetime, end: datetime) -> dict:
    """Intakes from start to end: how many, per status, and the fees: every
    intake's fee on the day it was taken, less the reversals approved in the
    window (a cancellation's money leaves on the day it is approved)."""
    window = utc_text(start), utc_text(end)
    rows = _sql(box, _TOTALS, *window)
    per_status = {status: count for status, count, _ in rows}
    fees = sum(total for _, _, total in rows) - _sql(box, _REVERSED, *window)[0][0]
    return {"count": sum(per_status.values()), "per_status": per_status, "fees": fees}


def recent_intakes(box, start: datetime) -> list[dict]:
    return [{"tracking_code": code, "full_name": name, "fee_rials": fee, "status": status,
             "service_name": name_fa if g.lang == "fa" else name_en}
            for code, name, fee, status, name_fa, name_en
            in _sql(box, _RECENT, utc_text(start), RECENT)]


def alerts(box, sync: dict) -> list[str]:
    found = []
    now = box.clock.now()
    office = licence.office(box.store)
    status_now = licence.status_at(office, now)
    if status_now != "active":
        found.append(say("licence.inactive", status=status_now))
    elif office is not None and office.licence_expires and \
            office.licence_expires < now + timedelta(days=LICENCE_WARNING_DAYS):
        found.append(gettext("The office's licence ends on %(day)s.",
                             day=jalali.format_date(office.licence_expires, g.lang)))
    if not box.intakes.accepting:
        found.append(gettext("Mains power has failed: new intakes are paused."))
    if (sync.get("oldest_unsent_age_seconds") or 0) > OLD_QUEUE_SECONDS:
        found.append(gettext("Events have waited more than a day to reach the centre: "
                             "check the link."))
    missing = _sql(box, _NO_TARIFF, utc_text(now))
    if missing:
        names = "، ".join(fa if g.lang == "fa" else en for fa, en in missing)
        found.append(gettext("Some services have no tariff in force and cannot be taken: "
                             "%(names)s.", names=names))
    return found


@blueprint.get("/")
@roles_required(*ALL_ROLES)
def home():
    box = current_app.config["BOX"]
    start = day_start(box.clock.now())
    today = totals(box, start, start + timedelta(days=1))
    recent = recent_intakes(box, start) if g.user.role in CITIZEN_DATA_ROLES else []
    hardware_configured, hardware = status.hardware_report(box)
    sync = status.sync_report(box)
    return render_template(
        "dashboard.html", today=today, recent=recent, today_label=jalali.format_date(
            box.clock.now(), g.lang),
        link=status.link_summary(*sync), hardware_configured=hardware_configured,
        hardware_rows=status.device_summary(hardware), alerts=alerts(box, sync[1]))


@blueprint.get("/reports")
@roles_required(*SUPERVISOR_ROLES)
def reports():
    box = current_app.config["BOX"]
    errors = {}
    now = box.clock.now()
    first = _date_arg("from", errors) or day_start(now).date()
    last = _date_arg("to", errors) or day_start(now).date()
    start = datetime.combine(first, time(0, 0), jalali.IRAN)
    end = datetime.combine(last, time(0, 0), jalali.IRAN) + timedelta(days=1)
    Intake, Service = box.store.models.Intake, box.store.models.Service   # this box's own classes
    window = (Intake.created_at >= start) & (Intake.created_at < end)
    per_service = list(
        Service.select(Service, fn.COUNT(Intake.id).alias("taken"),
                       fn.SUM(Intake.fee_rials).alias("fees"))
        .join(Intake).where(window & (Intake.status != "cancelled"))
        .group_by(Service.id).order_by(fn.COUNT(Intake.id).desc()))
    return render_template(
        "reports.html", per_service=per_service, summary=totals(box, start, end), errors=errors,
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

