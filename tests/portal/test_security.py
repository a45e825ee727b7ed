"""Login, sessions, CSRF, throttling and headers of the portal, on a real server."""

from __future__ import annotations

import requests

from tests.portal.conftest import Browserish, logged_in
from web.portal import security
from web.portal.security import LoginThrottle


def test_login_makes_a_fresh_server_side_session_with_safe_cookies(portal):
    client = Browserish(portal.url)
    client.get("/login")
    client.session.cookies.set(security.SESSION_COOKIE, "chosen-by-an-attacker",
                               domain="127.0.0.1", path="/")
    response = client.post("/login", {"username": "operator",
                                      "password": portal.passwords["operator"]})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = next(c for c in response.raw.headers.getlist("Set-Cookie")
                  if c.startswith(security.SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = client.session.cookies.get(security.SESSION_COOKIE)
    assert token != "chosen-by-an-attacker" and len(token) >= 40
    stored = [row.token_hash for row in portal.box.store.models.PortalSession.select()]
    assert len(stored) == 1 and token not in stored[0]   # only a hash is kept
    second = Browserish(portal.url)
    second.login("operator", portal.passwords["operator"])
    assert second.session.cookies.get(security.SESSION_COOKIE) != token
    assert client.get("/").status_code == 200


def test_logout_is_post_only_and_ends_the_session(portal, operator_client):
    token = operator_client.session.cookies.get(security.SESSION_COOKIE)
    assert operator_client.get("/logout").status_code == 405
    assert operator_client.get("/").status_code == 200
    response = operator_client.post("/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    stale = requests.get(portal.url + "/", cookies={security.SESSION_COOKIE: token},
                         allow_redirects=False, timeout=5)
    assert stale.status_code == 303 and stale.headers["Location"].startswith("/login")
    assert portal.box.store.models.PortalSession.select().count() == 0


def test_session_ends_after_idle_minutes(portal, operator_client):
    idle = portal.box.settings["session.idle_minutes"]
    portal.clock.advance(minutes=idle - 1)
    assert operator_client.get("/").status_code == 200       # activity keeps it alive
    portal.clock.advance(minutes=idle - 1)
    assert operator_client.get("/").status_code == 200
    portal.clock.advance(minutes=idle + 1)
    logged_in(portal, "supervisor")                # clears logins left open
    assert portal.box.store.models.PortalSession.select().count() == 1
    response = operator_client.get("/")
    assert response.status_code == 303
    login_page = operator_client.get(response.headers["Location"])
    assert "پس از مدتی بی‌کاری" in login_page.text


def test_forms_without_a_valid_csrf_token_change_nothing(portal, operator_client):
    AuditEntry = portal.box.store.models.AuditEntry
    before = AuditEntry.select().count()
    for token in (None, "forged", "", "ضضض"):     # non-ASCII once gave a 500
        data = {"csrf_token": token} if token is not None else {}
        response = operator_client.post("/intakes/new", {
            "service_code": "HEALTH-INS", "national_code": "0013542419", "full_name": "x",
            "mobile": "09121234567", "payment.method": "cash", **data}, csrf=False)
        assert response.status_code == 400
        assert "این فرم منقضی شده" in response.text
    anonymous = Browserish(portal.url)
    response = anonymous.post("/login", {"username": "operator",
                                         "password": portal.passwords["operator"]}, csrf=False)
    assert response.status_code == 400
    # a token of another browser's session is not good either
    other = logged_in(portal, "supervisor")
    response = operator_client.post("/logout", {"csrf_token": other.csrf}, csrf=False)
    assert response.status_code == 400
    assert AuditEntry.select().count() == before + 1     # only the supervisor's login


def test_wrong_password_is_refused_in_persian_and_the_username_is_kept(portal):
    client = Browserish(portal.url)
    response = client.login("operator", "not the password")
    assert response.status_code == 401
    assert "نام کاربری یا گذرواژه درست نیست." in response.text
    assert 'value="operator"' in response.text
    assert security.SESSION_COOKIE not in client.session.cookies


def test_security_headers_on_pages_static_files_and_the_api(portal, operator_client):
    for response in (operator_client.get("/"), operator_client.get("/login"),
                     operator_client.get("/static/css/portal.css"),
                     requests.get(portal.url + "/api/v1/health", timeout=5),
                     requests.get(portal.url + "/api/v1/services", timeout=5),
                     operator_client.get("/no-such-page")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_outside_assets(portal, operator_client):
    for path in ("/", "/intakes/new", "/intakes/new?service=POST-PARCEL", "/intakes", "/sync",
                 "/hardware", "/login"):
        html = operator_client.get(path).text
        assert "<script>" not in html and "onclick" not in html and "style=" not in html
        assert "http://" not in html.replace(portal.url, "") and "https://" not in html


def test_login_redirects_back_only_to_this_box(portal):
    client = Browserish(portal.url)
    page = client.get("/intakes?national_code=0013542419")
    assert page.status_code == 303
    login_page = client.get(page.headers["Location"])
    assert 'name="next" value="/intakes?national_code=0013542419"' in login_page.text
    response = client.post("/login", {"username": "operator", "next": "//evil.example/x",
                                      "password": portal.passwords["operator"]})
    assert response.headers["Location"] == "/"


def test_deactivated_users_lose_their_session(portal, operator_client, supervisor_client):
    supervisor_client.get("/users/operator")
    assert supervisor_client.post("/users/operator/active", {"active": "0"}).status_code == 303
    assert operator_client.get("/").status_code == 303
    assert Browserish(portal.url).login("operator", portal.passwords["operator"]).status_code == 401


class _Clock:
    def __init__(self):
        self.now_value = 1_000_000.0

    def now(self):
        from datetime import datetime, timezone
        return datetime.fromtimestamp(self.now_value, timezone.utc)


def test_throttle_grows_is_capped_and_spares_other_addresses():
    clock = _Clock()
    throttle = LoginThrottle(clock, free_tries=3, first_wait=2, max_wait=60)
    for _ in range(3):
        assert throttle.wait_seconds("operator", "10.0.0.66") == 0
        throttle.failed("operator", "10.0.0.66")
    waits = []
    for _ in range(8):
        waits.append(throttle.wait_seconds("operator", "10.0.0.66"))
        clock.now_value += waits[-1]
        throttle.failed("operator", "10.0.0.66")
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
    assert throttle.wait_seconds("OPERATOR ", "10.0.0.66") == 60      # same account
    assert throttle.wait_seconds("operator", "10.0.0.5") == 0         # the real counter PC
    throttle.succeeded("operator", "10.0.0.5")
    assert throttle.wait_seconds("operator", "10.0.0.66") == 60


def test_throttle_slows_one_address_trying_many_usernames():
    clock = _Clock()
    throttle = LoginThrottle(clock, per_address_free=5)
    for number in range(5):
        throttle.failed(f"user{number}", "10.0.0.66")
    assert throttle.wait_seconds("someone-new", "10.0.0.66") > 0
    assert throttle.wait_seconds("someone-new", "10.0.0.7") == 0


def test_throttled_login_is_refused_even_with_the_right_password(portal):
    app = portal.app
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    counter = app.test_client()
    counter.environ_base["REMOTE_ADDR"] = "10.0.0.5"

    def attempt(client, password):
        page = client.get("/login")
        token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        return client.post("/login", data={"username": "operator", "password": password,
                                           "csrf_token": token})

    for _ in range(3):
        assert attempt(attacker, "guess").status_code == 401
    refused = attempt(attacker, portal.passwords["operator"])
    assert refused.status_code == 429 and "ثانیه صبر کنید" in refused.get_data(as_text=True)
    assert attempt(counter, portal.passwords["operator"]).status_code == 303
    portal.clock.advance(seconds=3)
    assert attempt(attacker, portal.passwords["operator"]).status_code == 303


def test_secret_key_is_made_once_and_kept_private(portal):
    path = portal.box.home / security.SECRET_FILE
    assert path.stat().st_mode & 0o077 == 0
    assert security.load_secret(portal.box.home) == path.read_bytes()
    assert len(path.read_bytes()) == 32
