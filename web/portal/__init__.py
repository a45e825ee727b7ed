"""The operators' portal: server-rendered pages in Persian (and English),
one blueprint per area, every asset served by the box itself."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from markupsafe import Markup

from edge import roles
from edge.messages import status_name, text
from web.portal import access, i18n, security
from web.portal.icons import icon
from web.portal.i18n import N_

log = logging.getLogger(__name__)

PAYMENT_NAMES = {"cash": N_("Cash"), "card": N_("Card")}


def is_portal_request() -> bool:
    return not (request.path.startswith("/api/") or request.path.startswith("/static/"))


def choose_language() -> str:
    chosen = request.cookies.get(security.LANG_COOKIE)
    if chosen in i18n.LANGUAGES:
        return chosen
    return current_app.config["BOX"].settings["language"]


def before_portal_request():
    if not is_portal_request():
        return None
    g.lang = choose_language()
    security.load_session()
    if request.method not in security.SAFE_METHODS and not security.csrf_ok():
        if g.session_expired:   # the form's token died with the login: log in, then back
            return access.to_login()
        return render_error(400, "form.expired", i18n.gettext(
            "This form has expired or did not come from this box. Go back, reload the "
            "page and send it again."))
    return None


def render_error(status: int, code: str, message: str):
    """Error pages of the portal (404, 500, ...) in its own look, never a traceback."""
    if not hasattr(g, "lang"):
        g.lang = "fa"
    if not hasattr(g, "user"):
        g.user = None
    titles = {400: N_("The request could not be used"), 403: N_("Not allowed"),
              404: N_("Page not found"), 405: N_("Not allowed"), 409: N_("Not possible now"),
              413: N_("Too large"), 500: N_("Something went wrong")}
    if status == 403:   # a role's refusal reads the same wherever it comes from
        message = text("auth.forbidden", i18n.translator())
    title = i18n.gettext(titles.get(status, titles[500]))
    try:
        return render_template("error.html", status=status, title=title, message=message), status
    except Exception:  # the error page itself failed: still no traceback for the operator
        log.exception("error page failed")
        return (f'<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8">'
                f"<title>{status}</title><h1>{status}</h1>"), status


def template_context() -> dict:
    return {
        "lang": i18n.current_lang(),
        "dir": i18n.DIRECTIONS.get(i18n.current_lang(), "rtl"),
        "current_user": g.get("user"),
        "office_name": current_app.config["BOX"].office().name,
    }


def status_label(status: str) -> str:
    """An intake's status as a label: capitalised (Persian has no capitals)."""
    return status_name(status, i18n.translator()).capitalize()


def badge(status: str) -> Markup:
    """An intake's status as a coloured label (a function: one per table row)."""
    return Markup('<span class="badge badge-%s">%s</span>') % (
        status, status_label(status))


def template_helpers() -> dict:
    """Functions templates and their imported macros call (globals need no context)."""
    return {
        "csrf_token": security.csrf_token,
        "icon": icon,
        "badge": badge,
        "can": access.can,
        "roles": roles,
        "status_name": status_label,
        "payment_name": lambda method: i18n.gettext(PAYMENT_NAMES.get(method, method)),
        "role_name": lambda role: i18n.gettext(access.ROLE_NAMES.get(role, role)),
        "message": lambda code, **params: text(code, i18n.translator(), **params),
    }


def init_app(app: Flask, box) -> None:
    from web.portal import (auth, cancellations, dashboard, day, intakes, office, performance,
                            rating_screen, status, users)

    i18n.init_app(app)
    security.init_app(app, box)
    app.before_request(before_portal_request)
    app.context_processor(template_context)
    app.jinja_env.globals.update(template_helpers())
    for blueprint in (auth.blueprint, dashboard.blueprint, day.blueprint, intakes.blueprint,
                      cancellations.blueprint, users.blueprint, status.blueprint,
                      office.blueprint, rating_screen.blueprint, performance.blueprint):
        app.register_blueprint(blueprint)
