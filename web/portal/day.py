"""The business day for supervisors: the running totals (X) and the close
(Z) with the cash counted, at `/day`."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from edge import daybook, jalali
from edge.daybook import closing
from edge.digits import is_ascii_number, to_ascii_digits
from edge.errors import EdgeError
from edge.roles import SUPERVISOR_ROLES
from web.portal.access import roles_required
from web.portal.forms import FieldErrors, message_for
from web.portal.i18n import digits, gettext

blueprint = Blueprint("day", __name__, url_prefix="/day")

MAX_INPUT = 40
_SEPARATORS = str.maketrans("", "", ",٬، _")   # thousands as typed: 1,250,000 or ۱٬۲۵۰٬۰۰۰


def box():
    return current_app.config["BOX"]


def typed_rials(text: str) -> int | None:
    """An amount as a person types it, in any digits, with separators; None
    when it is not a whole number of rials."""
    plain = to_ascii_digits(text).translate(_SEPARATORS)
    return int(plain) if is_ascii_number(plain) else None


@blueprint.get("")
@roles_required(*SUPERVISOR_ROLES)
def show():
    errors = FieldErrors()
    day = _day_asked(errors)
    return _render(day, errors, request.args.get("counted", ""))


def _day_asked(errors: FieldErrors):
    today = daybook.business_day(box().store, box().clock.now())
    asked = request.args.get("date", "")[:MAX_INPUT]
    if not asked:
        return today
    try:
        return jalali.parse_date(asked)
    except ValueError:
        errors["date"] = gettext("Write a Jalali date like %(example)s.",
                                 example=digits("1405/09/10"))
        return today


def _render(day, errors: FieldErrors, counted: str, status: int = 200):
    totals = closing.report(box().store, day)
    notice = gettext("The day is closed.") if request.args.get("done") == "closed" else None
    # only today's calendar day can be closed: that is the day a close now closes
    can_close = not totals["closed"] and day == daybook.calendar_day(box().clock.now())
    return render_template("day.html", totals=totals, errors=errors, counted=counted,
                           can_close=can_close, notice=notice,
                           date_value=digits(totals["date"])), status


@blueprint.post("/close")
@roles_required(*SUPERVISOR_ROLES)
def close():
    typed = request.form.get("cash_counted", "")[:MAX_INPUT]
    day = daybook.calendar_day(box().clock.now())
    counted = typed_rials(typed)
    if counted is None:
        errors = FieldErrors(cash_counted=gettext(
            "Write the cash counted in the drawer, in rials, in digits."))
        return _render(day, errors, typed, 400)
    try:
        totals = closing.close_day(box().store, box().events, g.user, counted)
    except EdgeError as error:
        if "date" in error.params:   # the closed day, in the page's digits
            error.params["date"] = digits(error.params["date"])
        errors = FieldErrors(cash_counted=message_for(error, gettext("Cash counted")))
        return _render(day, errors, typed, error.status)
    return redirect(url_for("day.show", date=totals["date"], done="closed"), 303)
