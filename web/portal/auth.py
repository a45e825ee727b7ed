"""Login, logout and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from edge import users
from web.portal import security
from web.portal.access import safe_next
from web.portal.forms import say
from web.portal.i18n import LANGUAGES

blueprint = Blueprint("auth", __name__)

MAX_CREDENTIAL = 200


@blueprint.get("/login")
def login():
    if g.user is not None:
        return redirect(url_for("dashboard.home"), 303)
    return render_template("login.html", username="", error=None,
                           expired=g.session_expired or request.args.get("expired") == "1",
                           next=safe_next(request.args.get("next")))


@blueprint.post("/login")
def login_post():
    username = request.form.get("username", "").strip()[:MAX_CREDENTIAL]
    password = request.form.get("password", "")[:MAX_CREDENTIAL]
    target = safe_next(request.form.get("next")) or url_for("dashboard.home")
    throttle = current_app.extensions["login_throttle"]
    address = security.client_ip()
    wait = throttle.wait_seconds(username, address)
    if wait:
        return _login_failed(username, target, say("auth.throttled", seconds=wait), 429)
    user = users.authenticate(current_app.config["BOX"].store, username, password)
    if user is None:
        throttle.failed(username, address)
        return _login_failed(username, target, say("auth.bad_credentials"), 401)
    throttle.succeeded(username, address)
    token = security.start_session(user)
    response = redirect(target, 303)
    response.set_cookie(security.SESSION_COOKIE, token, **security.cookie_options())
    response.delete_cookie(security.PRELOGIN_COOKIE, path="/")
    return response


def _login_failed(username: str, target: str, message: str, status: int):
    return render_template("login.html", username=username, error=message, expired=False,
                           next=target if target != url_for("dashboard.home") else ""), status


@blueprint.post("/logout")
def logout():
    security.end_session()
    response = redirect(url_for("auth.login"), 303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@blueprint.post("/language")
def language():
    """The language switch; remembered in a cookie for a year."""
    chosen = request.form.get("lang")
    back = safe_next(request.form.get("next")) or url_for("dashboard.home")
    response = redirect(back, 303)
    if chosen in LANGUAGES:
        response.set_cookie(security.LANG_COOKIE, chosen, max_age=365 * 24 * 3600,
                            **security.cookie_options())
    return response
