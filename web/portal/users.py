"""User management for supervisors: add, deactivate and reactivate, reset a
password, bind an operator card's UID and set the PIN that goes with it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from edge import users as user_rules
from edge.errors import EdgeError
from edge.models import User
from edge.roles import ROLES
from edge.roles import SUPERVISOR_ROLES
from web.portal import security
from web.portal.access import roles_required
from web.portal.forms import FieldErrors
from web.portal.i18n import N_, gettext

blueprint = Blueprint("users", __name__, url_prefix="/users")

NOTICES = {"added": N_("The user is added."), "password": N_("The password is changed."),
           "deactivated": N_("The user can no longer log in."),
           "activated": N_("The user can log in again."), "card": N_("The card is saved."),
           "pin": N_("The card's PIN is set.")}


def box():
    return current_app.config["BOX"]


def labels() -> dict:
    return {"username": gettext("Username"), "full_name": gettext("Full name"),
            "role": gettext("Role"), "password": gettext("Password"),
            "card_uid": gettext("Card UID"), "pin": gettext("PIN")}


def _user(username: str) -> User:
    user = user_rules.find(box().store, username)
    if user is None:
        abort(404)
    return user


def _notice():
    key = request.args.get("done", "")
    return gettext(NOTICES[key]) if key in NOTICES else None


@blueprint.get("")
@roles_required(*SUPERVISOR_ROLES)
def index(values=None, errors=None, status=200):
    people = box().store.models.User
    return render_template("users.html", people=people.select().order_by(people.username),
                           values=values or {"role": "operator"}, errors=errors or {},
                           roles_list=ROLES, notice=_notice()), status


@blueprint.post("")
@roles_required(*SUPERVISOR_ROLES)
def add():
    values = {name: request.form.get(name, "")[:200] for name in
              ("username", "full_name", "role", "password")}
    values["username"] = values["username"].strip().lower()
    try:
        user_rules.add_user(box().store, box().events, values["username"], values["full_name"],
                            values["role"], values["password"], actor=g.user.username)
    except EdgeError as error:
        errors = FieldErrors()
        errors.add(error, labels())
        values["password"] = ""
        return index(values, errors, error.status)
    return redirect(url_for("users.index", done="added"), 303)


def _render_user(user: User, errors=None, status=200):
    return render_template("user_detail.html", person=user, errors=errors or {},
                           notice=_notice()), status


@blueprint.get("/<username>")
@roles_required(*SUPERVISOR_ROLES)
def detail(username: str):
    return _render_user(_user(username))


@blueprint.post("/<username>/active")
@roles_required(*SUPERVISOR_ROLES)
def activate(username: str):
    user = _user(username)
    active = request.form.get("active") == "1"
    if user.id == g.user.id and not active:
        return _render_user(user, {"active": gettext("You cannot deactivate yourself.")}, 409)
    user_rules.set_active(box().store, box().events, user, active, actor=g.user.username)
    return redirect(url_for("users.detail", username=username,
                            done="activated" if active else "deactivated"), 303)


@blueprint.post("/<username>/password")
@roles_required(*SUPERVISOR_ROLES)
def password(username: str):
    user = _user(username)
    try:
        user_rules.set_password(box().store, box().events, user,
                                request.form.get("password", "")[:200], actor=g.user.username)
    except EdgeError as error:
        errors = FieldErrors()
        errors.add(error, labels())
        return _render_user(user, errors, error.status)
    security.keep_session_after_own_password(user)
    return redirect(url_for("users.detail", username=username, done="password"), 303)


@blueprint.post("/<username>/card")
@roles_required(*SUPERVISOR_ROLES)
def card(username: str):
    user = _user(username)
    try:
        user_rules.bind_card(box().store, box().events, user.username,
                             request.form.get("card_uid", "")[:60], g.user)
    except EdgeError as error:
        errors = FieldErrors(card_uid=gettext(
            "A card UID is 8 to 20 hexadecimal characters and belongs to one user only."))
        return _render_user(_user(username), errors, error.status)
    return redirect(url_for("users.detail", username=username, done="card"), 303)


@blueprint.post("/<username>/pin")
@roles_required(*SUPERVISOR_ROLES)
def pin(username: str):
    """The PIN that goes with the user's card at login."""
    user = _user(username)
    try:
        user_rules.set_pin(box().store, box().events, user, request.form.get("pin", "")[:20],
                           actor=g.user.username)
    except EdgeError as error:
        errors = FieldErrors()
        errors.add(error, labels())
        return _render_user(user, errors, error.status)
    return redirect(url_for("users.detail", username=username, done="pin"), 303)
