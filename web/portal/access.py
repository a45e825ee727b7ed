"""Which role may open which page: views name the roles of `edge.roles`
(the one home of who may do what) in `roles_required`."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, url_for

from edge.roles import OPERATOR, SUPERVISOR, TECHNICIAN
from web.portal.i18n import N_

RETURN_FIELD = "return_to"
ROLE_NAMES = {OPERATOR: N_("Operator"), SUPERVISOR: N_("Supervisor"),
              TECHNICIAN: N_("Technician")}


def roles_required(*roles: str):
    """Not logged in: to the login page (and back afterwards). Wrong role: 403."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None:
                return to_login()
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapper.allowed_roles = roles
        return wrapper
    return decorate


def to_login():
    """To the login page, and back afterwards: to the page asked for, or for a
    form sent after the login ran out, to the page the form names in
    `return_to` (its script brings back what was typed there)."""
    target = request.full_path if request.method == "GET" else request.form.get(RETURN_FIELD)
    return redirect(url_for("auth.login", next=safe_next(target) or None,
                            expired=1 if g.session_expired else None), 303)


def safe_next(target: str | None) -> str:
    """Only a path on this box: never an absolute URL (no open redirect)."""
    if not target:
        return ""
    if not target.startswith("/") or target.startswith("//"):
        return ""
    try:
        parts = urlsplit(target)
    except ValueError:   # e.g. "/[": not an address at all
        return ""
    if parts.scheme or parts.netloc:
        return ""
    # browsers read "\" as "/" ("/\evil" is "//evil"); no spaces or control characters
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 for ch in target):
        return ""
    return target.rstrip("?")


def can(*roles: str) -> bool:
    return g.get("user") is not None and g.user.role in roles
