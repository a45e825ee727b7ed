"""The office's own pages: its business calendar (the centre's holidays and
the closures a supervisor adds), the licensed suppliers from the bundle (law
article 6) and the office's licence (article 9)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from edge import jalali, licence
from edge.errors import EdgeError
from edge.roles import ALL_ROLES, SUPERVISOR_ROLES
from edge.sla import records as service_levels
from sync_agent import bundle as bundles
from web.portal.access import roles_required
from web.portal.forms import FieldErrors
from web.portal.i18n import gettext

blueprint = Blueprint("office", __name__, url_prefix="/office")

MAX_INPUT = 300


def box():
    return current_app.config["BOX"]


@blueprint.get("/calendar")
@roles_required(*SUPERVISOR_ROLES)
def calendar():
    return _render_calendar()


def _render_calendar(errors: FieldErrors | None = None, values: dict | None = None,
                     status: int = 200):
    models = box().store.models
    holidays = list(models.Holiday.select().order_by(models.Holiday.day))
    notice = gettext("The closure is saved; due times are worked out again.") \
        if request.args.get("done") == "closed" else None
    return render_template("office_calendar.html", holidays=holidays,
                           closures=service_levels.closures(box().store), errors=errors or {},
                           values=values or {"day": "", "reason": ""}, notice=notice), status


@blueprint.post("/calendar")
@roles_required(*SUPERVISOR_ROLES)
def add_closure():
    values = {name: request.form.get(name, "")[:MAX_INPUT] for name in ("day", "reason")}
    try:
        service_levels.add_closure(box().store, box().events, values["day"], values["reason"],
                                   g.user)
    except EdgeError as error:
        errors = FieldErrors()
        errors.add(error, {"day": gettext("Day (Jalali date)"), "reason": gettext("Reason")})
        return _render_calendar(errors, values, error.status)
    return redirect(url_for("office.calendar", done="closed"), 303)


@blueprint.get("/suppliers")
@roles_required(*ALL_ROLES)
def suppliers():
    return render_template("suppliers.html", suppliers=bundles.suppliers(box().store))


@blueprint.get("/licence")
@roles_required(*ALL_ROLES)
def licence_page():
    now = box().clock.now()
    office = licence.office(box().store)
    return render_template("licence.html", office=office, status=licence.status_at(office, now),
                           days_left=licence.days_left(office, now),
                           expires=jalali.format_date(office.licence_expires, g.lang)
                           if office is not None and office.licence_expires else None)
