"""`/`: today at the counter — the work queue (every open intake, the one due
first at the top, its next status a click away), the day's totals, the link,
the devices and anything that needs the operator's attention. `/reports` shows a
date range's performance to supervisors, in figures and charts."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, render_template, request

from edge import jalali, licence
from edge.cancellation.rules import REASONS as CANCEL_REASONS
from edge.errors import InvalidInput
from edge.fields import utc_text
from edge.performance.figures import day_window, figures
from edge.roles import ALL_ROLES, CITIZEN_DATA_ROLES, SUPERVISOR_ROLES
from edge.sla.work_queue import OPEN_STATES, Work, open_work
from web.portal import intakes, performance, status
from web.portal.forms import say
from web.portal.access import roles_required
from web.portal.i18n import N_, digits, gettext

blueprint = Blueprint("dashboard", __name__)

OLD_QUEUE_SECONDS = 24 * 3600
QUEUE_STATE_NAMES = {"on_time": N_("On time"), "due_soon": N_("Due soon"),
                     "overdue": N_("Overdue")}
REPLIES_SHOWN = 50
# What became of a citizen's SMS reply that rated nothing (edge.voice.ratings).
REPLY_OUTCOMES = {"late": N_("too late to count"), "unmatched": N_("no request of this number asked"),
                  "duplicate": N_("already rated"), "unreadable": N_("not a rating")}


def day_start(moment: datetime) -> datetime:
    local = moment.astimezone(jalali.IRAN)
    return datetime.combine(local.date(), time(0, 0), jalali.IRAN)


# The dashboard is the page an operator reloads all day: its queries are plain
# SQL with parameters (peewee's query building cost more than the queries).
_TOTALS = ("SELECT status, COUNT(*), COALESCE(SUM(fee_rials), 0) FROM intake "
           "WHERE created_at >= ? AND created_at < ? GROUP BY status")
_REVERSED = ("SELECT COALESCE(SUM(amount_rials), 0) FROM reversal "
             "WHERE approved_at >= ? AND approved_at < ?")
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


def time_left(work: Work) -> str:
    """Office time left (or past due) in words, in the page's language."""
    minutes = round(abs(work.office_seconds_left) / 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        span = gettext("%(hours)s h %(minutes)s min", hours=digits(hours), minutes=digits(minutes))
    elif hours:
        span = gettext("%(hours)s h", hours=digits(hours))
    else:
        span = gettext("%(minutes)s min", minutes=digits(minutes))
    if work.level.state == "overdue":
        return gettext("%(span)s of office time overdue", span=span)
    if work.level.paused:
        return gettext("Waiting: %(span)s of office time left when it resumes", span=span)
    return gettext("%(span)s of office time left", span=span)


def queue_filters(box) -> dict:
    """The queue's filters from the address, unknown values ignored."""
    service = request.args.get("service", "")
    codes = {row.code for row in box.store.models.Service.select(box.store.models.Service.code)}
    state = request.args.get("state", "")
    return {"service": service if service in codes else "",
            "state": state if state in OPEN_STATES else ""}


def licence_warning(office, now: datetime) -> str:
    """Said 30 days before the licence ends, and more urgently in the last 7."""
    params = {"day": jalali.format_date(office.licence_expires, g.lang),
              "days": digits(max(licence.days_left(office, now), 0))}
    if licence.warning_days(office, now) == min(licence.WARNING_DAYS):
        return gettext("Only %(days)s days are left: the office's licence ends on %(day)s and "
                       "new intakes stop then. Renew it now.", **params)
    return gettext("The office's licence ends on %(day)s (%(days)s days left); new intakes "
                   "stop when it lapses.", **params)


def alerts(box, sync: dict) -> list[str]:
    found = []
    now = box.clock.now()
    office = licence.office(box.store)
    status_now = licence.status_at(office, now)
    if status_now != "active":
        found.append(say("licence.inactive", status=status_now))
    elif licence.warning_days(office, now) is not None:
        found.append(licence_warning(office, now))
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
    filters = queue_filters(box)
    queue = open_work(box.store, box.settings, box.clock.now(), filters["service"],
                      filters["state"]) if g.user.role in CITIZEN_DATA_ROLES else []
    hardware_configured, hardware = status.hardware_report(box)
    sync = status.sync_report(box)
    today_text = jalali.numeric_date(start, "en")   # for the search links: ASCII in addresses
    return render_template(
        "dashboard.html", today=today, queue=queue, filters=filters, time_left=time_left,
        state_names=QUEUE_STATE_NAMES, today_text=today_text, cancel_reasons=CANCEL_REASONS,
        services=box.store.models.Service.select().order_by(box.store.models.Service.id),
        today_label=jalali.format_date(box.clock.now(), g.lang),
        notice=_notice(request.args.get("done", "")),
        link=status.link_summary(*sync), hardware_configured=hardware_configured,
        hardware_rows=status.device_summary(hardware), alerts=alerts(box, sync[1]))


def _notice(done: str) -> str | None:
    """What a change made from the queue did, said back on its return."""
    return gettext(intakes.NOTICES[done]) if done in intakes.NOTICES else None


@blueprint.get("/reports")
@roles_required(*SUPERVISOR_ROLES)
def reports():
    box = current_app.config["BOX"]
    errors = {}
    try:
        first, last = performance.report_range()
    except InvalidInput as error:
        errors[error.field] = say(error.code, **error.params)
        first = last = day_start(box.clock.now()).date()
    found = figures(box.store, box.settings, first, last, box.clock.now())
    start, end = day_window(first, last)
    last_hour = end - timedelta(hours=1)
    shown = {"from": jalali.numeric_date(start, "en"), "to": jalali.numeric_date(last_hour, "en")}
    return render_template(
        "reports.html", figures=found, summary=totals(box, start, end), errors=errors,
        charts=performance.CHARTS, range_query=urlencode(shown),
        replies=[(reply, gettext(REPLY_OUTCOMES[reply.outcome]))
                 for reply in box.ratings.replies(limit=REPLIES_SHOWN)],
        values={"from": request.args.get("from") or jalali.numeric_date(start, g.lang),
                "to": request.args.get("to") or jalali.numeric_date(last_hour, g.lang)})
