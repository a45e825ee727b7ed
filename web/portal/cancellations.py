"""`/cancellations`: the supervisor's list of the operators' cancellation
requests, each approved (the intake cancelled, its fee reversed now) or
refused (the intake stays as it was)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from edge.cancellation.rules import REASONS
from edge.errors import EdgeError
from edge.roles import SUPERVISOR_ROLES
from web.portal.access import roles_required
from web.portal.forms import message_for
from web.portal.i18n import N_, gettext

blueprint = Blueprint("cancellations", __name__, url_prefix="/cancellations")

MAX_NOTE = 200
NOTICES = {"approved": N_("The intake is cancelled and its fee reversed."),
           "refused": N_("The cancellation is refused; the intake stays as it was.")}


def box():
    return current_app.config["BOX"]


def _render(error: str = "", status: int = 200):
    notice = NOTICES.get(request.args.get("done", ""))
    return render_template("cancellations.html", pending=box().cancellations.pending(),
                           reasons=REASONS, error=error,
                           notice=gettext(notice) if notice else None), status


@blueprint.get("")
@roles_required(*SUPERVISOR_ROLES)
def index():
    return _render()


@blueprint.post("/<int:id>/approve")
@roles_required(*SUPERVISOR_ROLES)
def approve(id: int):
    return _decide(box().cancellations.approve, id, "approved")


@blueprint.post("/<int:id>/refuse")
@roles_required(*SUPERVISOR_ROLES)
def refuse(id: int):
    return _decide(box().cancellations.refuse, id, "refused")


def _decide(decision, request_id: int, done: str):
    try:
        decision(request_id, g.user, request.form.get("note", "")[:MAX_NOTE])
    except EdgeError as error:
        return _render(message_for(error, gettext("Note")), error.status)
    return redirect(url_for("cancellations.index", done=done), 303)
