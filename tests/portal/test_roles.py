"""Every route of the app, for every role and for no login, on a real server.

The routes are enumerated from app.url_map, and every endpoint must have an
entry in ACCESS: a new route cannot escape this test."""

from __future__ import annotations

import pytest

from edge import users
from tests.portal.conftest import Browserish, logged_in, make_intake

PUBLIC, API_PUBLIC, API_LOGIN = "public", "api-public", "api-login"
SCREEN = "rating-screen"   # its own cookie, not a login: without one, a 403 page saying so
CITIZEN = {"operator", "supervisor"}
SUPERVISOR = {"supervisor"}
EVERYONE = {"operator", "supervisor", "technician"}

ACCESS = {
    "static": PUBLIC,
    "auth.login": PUBLIC, "auth.login_post": PUBLIC, "auth.logout": PUBLIC,
    "auth.language": PUBLIC, "auth.login_card": PUBLIC, "auth.card_at_box": PUBLIC,
    "dashboard.home": EVERYONE, "dashboard.reports": SUPERVISOR,
    "performance.chart": SUPERVISOR, "performance.export": SUPERVISOR,
    "day.show": SUPERVISOR, "day.close": SUPERVISOR,
    "intakes.new": CITIZEN, "intakes.create": CITIZEN, "intakes.search": CITIZEN,
    "intakes.detail": CITIZEN, "intakes.change_status": CITIZEN, "intakes.cancel": CITIZEN,
    "intakes.citizen": CITIZEN, "intakes.receipt": CITIZEN, "intakes.reprint": CITIZEN,
    "intakes.resend_sms": CITIZEN,
    "rating_screen.start_page": CITIZEN, "rating_screen.start": CITIZEN,
    "rating_screen.screen": SCREEN, "rating_screen.answer": SCREEN,
    "cancellations.index": SUPERVISOR, "cancellations.approve": SUPERVISOR,
    "cancellations.refuse": SUPERVISOR,
    "users.index": SUPERVISOR, "users.add": SUPERVISOR, "users.detail": SUPERVISOR,
    "users.activate": SUPERVISOR, "users.password": SUPERVISOR, "users.card": SUPERVISOR,
    "users.pin": SUPERVISOR,
    "status.sync": EVERYONE, "status.sync_now": EVERYONE, "status.hardware": EVERYONE,
    "office.calendar": SUPERVISOR, "office.add_closure": SUPERVISOR,
    "office.licence_page": EVERYONE, "office.suppliers": EVERYONE,
    "api.health": API_PUBLIC, "api.openapi_document": API_PUBLIC, "api.create_token": API_PUBLIC,
    "api.revoke_token": API_LOGIN,
    "api.list_services": API_LOGIN, "api.create_intake": API_LOGIN, "api.get_intake": API_LOGIN,
    "api.change_status": API_LOGIN, "api.search_intakes": API_LOGIN, "api.sync_state": API_LOGIN,
    "api.close_day": API_LOGIN, "api.day_report": API_LOGIN,
    "api.cancel_intake": API_LOGIN, "api.pending_cancellations": API_LOGIN,
    "api.approve_cancellation": API_LOGIN, "api.refuse_cancellation": API_LOGIN,
}


def routes(app, code: str):
    """(endpoint, method, path) of every route, with real values for its arguments."""
    values = {"code": code, "username": "walkee", "filename": "css/portal.css", "message_id": "1",
              "id": "1", "name": "days"}
    found = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", values[argument])
            path = path.replace(f"<path:{argument}>", values[argument])
            path = path.replace(f"<int:{argument}>", values[argument])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    # logging out (and opening a rating screen, which logs out) last, so the
    # walk keeps its login to the end
    last = {"rating_screen.start": 1, "auth.logout": 2}
    return sorted(found, key=lambda route: last.get(route[0], 0))


def test_every_endpoint_has_a_declared_access(portal):
    endpoints = {rule.endpoint for rule in portal.app.url_map.iter_rules()}
    assert endpoints == set(ACCESS), "declare the access of new routes in ACCESS"


def state_of_the_box(box) -> tuple:
    """What a GET must never change (the session's last_seen may move)."""
    AuditEntry = box.store.models.AuditEntry
    Intake = box.store.models.Intake
    OutboxRecord = box.store.models.OutboxRecord
    User = box.store.models.User
    AuditEntry, OutboxRecord = AuditEntry, OutboxRecord
    Intake, User = Intake, User
    return (AuditEntry.select().count(), OutboxRecord.select().count(),
            tuple(Intake.select(Intake.status).tuples()),
            tuple(User.select(User.active, User.password_hash, User.card_uid).tuples()))


def walker(portal, role):
    if role is None:
        client = Browserish(portal.url)
        client.get("/login")
        return client
    return logged_in(portal, role)


@pytest.mark.parametrize("role", [None, "operator", "supervisor", "technician"])
def test_walk_every_route(portal, role):
    users.add_user(portal.box.store, portal.box.events, "walkee", "Walkee", "operator",
                   "walkee-password")
    code = make_intake(logged_in(portal, "operator"))
    client = walker(portal, role)
    problems = []
    for endpoint, method, path in routes(portal.app, code):
        before = state_of_the_box(portal.box)
        if method == "DELETE":
            response = client.session.delete(portal.url + path, timeout=10)
        else:
            response = client.post(path, {}) if method == "POST" else client.get(path)
        if method == "GET" and state_of_the_box(portal.box) != before:
            problems.append(f"{role} GET {path} changed the box")
        status = response.status_code
        access = ACCESS[endpoint]
        to_login = status == 303 and response.headers["Location"].startswith("/login")
        if access == PUBLIC:
            ok = status < 500 and status != 403
        elif access == API_PUBLIC:
            ok = status in (200, 201, 400, 401)
        elif access == API_LOGIN:
            ok = status == 401          # the portal's cookie is not an API login
        elif access == SCREEN:
            ok = status in (303, 403)   # no screen cookie: the closed page (POST: its CSRF check)
        elif role is None:
            ok = to_login
        elif role in access:
            ok = status < 500 and status != 403 and not to_login
        else:
            ok = status == 403 and "نقش شما اجازهٔ این کار را ندارد" in response.text
        if not ok:
            problems.append(f"{role} {method} {path} -> {status}")
    assert not problems


def test_technician_sees_no_citizen_data(portal):
    code = make_intake(logged_in(portal, "operator"))
    technician = logged_in(portal, "technician")
    for path in ("/", "/sync", "/hardware"):
        html = technician.get(path).text
        assert "زهرا احمدی" not in html and code not in html and "۰۰۱۳۵۴۲۴۱۹" not in html
    operator_home = logged_in(portal, "operator").get("/").text
    assert "زهرا احمدی" in operator_home and code in operator_home
