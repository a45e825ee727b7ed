"""Login (with a password, or with a card and its PIN), logout and the
language switch."""

from __future__ import annotations

from datetime import timedelta

from flask import (Blueprint, current_app, g, jsonify, redirect, render_template, request,
                   url_for)

from edge import users
from edge.errors import EdgeError, InvalidInput
from web.portal import security
from web.portal.access import safe_next
from web.portal.forms import message_for, say
from web.portal.i18n import LANGUAGES

blueprint = Blueprint("auth", __name__)

MAX_CREDENTIAL = 200
CARD_FRESH = timedelta(seconds=30)   # a card read at the box counts this long for a login


@blueprint.get("/login")
def login():
    if g.user is not None:
        return redirect(url_for("dashboard.home"), 303)
    return _login_page(expired=g.session_expired or request.args.get("expired") == "1",
                       target=safe_next(request.args.get("next")))


def _login_page(username: str = "", error: str | None = None, expired: bool = False,
                target: str = "", card_error: str | None = None, status: int = 200):
    return render_template("login.html", username=username, error=error, expired=expired,
                           next=target, card_error=card_error,
                           box_reader=current_app.config["BOX"].parts.card_reader is not None
                           ), status


@blueprint.post("/login")
def login_post():
    username = request.form.get("username", "").strip()[:MAX_CREDENTIAL]
    password = request.form.get("password", "")[:MAX_CREDENTIAL]
    target = safe_next(request.form.get("next")) or url_for("dashboard.home")
    throttle = current_app.extensions["login_throttle"]
    address = security.client_ip()
    wait = throttle.refused(username, address)
    if wait:
        return _login_failed(username, target, say("auth.throttled", seconds=wait), 429)
    user = users.authenticate(current_app.config["BOX"].store, username, password)
    if user is None:
        throttle.failed(username, address)
        return _login_failed(username, target, say("auth.bad_credentials"), 401)
    throttle.succeeded(username, address)
    return _logged_in(user, target)


def _logged_in(user, target: str):
    token = security.start_session(user)
    response = redirect(target, 303)
    response.set_cookie(security.SESSION_COOKIE, token, **security.cookie_options())
    response.delete_cookie(security.PRELOGIN_COOKIE, path="/")
    return response


def _login_failed(username: str, target: str, message: str, status: int):
    return _login_page(username, message, target=_kept(target), status=status)


def _kept(target: str) -> str:
    return target if target != url_for("dashboard.home") else ""


# --- with a card --------------------------------------------------------------

@blueprint.post("/login/card")
def login_card():
    """A card's number, typed by a keyboard-emulating reader at the operator's
    PC (`card`) or read at the box's own reader (`card_ticket`, from the page's
    polling), with the holder's PIN; throttled like a password."""
    target = safe_next(request.form.get("next")) or url_for("dashboard.home")
    pin = request.form.get("pin", "")[:MAX_CREDENTIAL]
    try:
        uid = _card_at_box(request.form.get("card_ticket", "")) or \
            request.form.get("card", "")[:MAX_CREDENTIAL]
    except EdgeError as error:
        return _login_page(target=_kept(target), card_error=message_for(error), status=400)
    throttle = current_app.extensions["login_throttle"]
    who, address = "card " + (users.card_number(uid) or "?"), security.client_ip()
    wait = throttle.refused(who, address)
    if wait:
        return _login_page(target=_kept(target), status=429,
                           card_error=say("auth.throttled", seconds=wait))
    try:
        user = users.authenticate_card(current_app.config["BOX"].store, uid, pin)
    except EdgeError as error:
        throttle.failed(who, address)
        return _login_page(target=_kept(target), card_error=message_for(error), status=401)
    throttle.succeeded(who, address)
    return _logged_in(user, target)


def _card_at_box(ticket: str) -> str:
    """The number of the card the ticket names, if it is the last one read at
    the box's reader and still fresh; "" for no ticket."""
    if not ticket:
        return ""
    card = _fresh_card_at_box()
    if card is None or str(card.number) != ticket:
        raise InvalidInput("card.not_at_box", "card", seconds=int(CARD_FRESH.total_seconds()))
    return card.uid


def _fresh_card_at_box():
    """The last card read at the box's reader in the last CARD_FRESH, or None."""
    box = current_app.config["BOX"]
    card = box.parts.card_reader.last_card() if box.parts.card_reader is not None else None
    if card is None or box.clock.now() - card.at > CARD_FRESH:
        return None
    return card


@blueprint.get("/login/card-at-box")
def card_at_box():
    """For the login page's polling: whether a card was read at the box's
    reader just now, as a ticket for the card login (never the card's number:
    the ticket alone logs nobody in, the PIN must go with it)."""
    card = _fresh_card_at_box()
    return jsonify(ticket=str(card.number) if card is not None else None)


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
