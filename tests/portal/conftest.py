"""Fixtures of the portal's tests: a demo box served by a real waitress, a
browser-like client (requests.Session) that keeps cookies and CSRF tokens, and
a real browser's tab (Playwright's Chromium)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from edge.clock import FakeClock
from appliance.demo import prepare_demo_box
from appliance.server import BoxServer
from tests.system import require_binary

# One browser for every browser test of the portal (a second Playwright in one
# process fails), so the fixture lives here rather than in one test module.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    executable = require_binary("chromium", "chromium")
    from playwright.sync_api import sync_playwright   # a test dependency: never skipped
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Portal:
    url: str
    box: object
    app: object
    passwords: dict
    clock: FakeClock


class Browserish:
    """A requests.Session that reads the CSRF token of the last page it got."""

    opened: list["Browserish"] = []   # closed by the portal fixture, so waitress can stop

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()
        self.csrf = ""
        Browserish.opened.append(self)

    @classmethod
    def close_all(cls) -> None:
        while cls.opened:
            cls.opened.pop().session.close()

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        response = self.session.get(self.base + path, timeout=10, **kwargs)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None, csrf: bool = True,
             **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        response = self.session.post(self.base + path, data=form, timeout=10, **kwargs)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def login(self, username: str, password: str) -> requests.Response:
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})


@pytest.fixture
def portal(tmp_path):
    clock = FakeClock()
    box, passwords = prepare_demo_box(tmp_path / "box", clock)
    appliance = BoxServer(box, "127.0.0.1", 0, threads=4)
    appliance.start()
    yield Portal(appliance.url, box, appliance.app, passwords, clock)
    Browserish.close_all()
    appliance.stop()


def logged_in(portal: Portal, role: str) -> Browserish:
    client = Browserish(portal.url)
    response = client.login(role, portal.passwords[role])
    assert response.status_code == 303, response.text[:500]
    client.get("/")
    return client


@pytest.fixture
def operator_client(portal):
    return logged_in(portal, "operator")


@pytest.fixture
def supervisor_client(portal):
    return logged_in(portal, "supervisor")


def field_error(html: str, name: str) -> str:
    """The message written next to the field `name` (empty if none)."""
    found = re.search(r'id="e-' + re.escape(name) + r'"[^>]*>([^<]*)<', html)
    assert found, f"no error slot for {name}"
    return found.group(1).strip()


def input_value(html: str, name: str) -> str:
    found = re.search(r'name="' + re.escape(name) + r'"[^>]*value="([^"]*)"', html)
    assert found, f"no input {name}"
    return found.group(1)


INTAKE = {"service_code": "POST-PARCEL", "national_code": "۰۰۱۳۵۴۲۴۱۹",
          "full_name": "زهرا احمدی", "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
          "fields.postcode": "۱۲۳۴۵۶۷۸۹۰", "fields.weight_grams": "٥٠٠",
          "payment.method": "cash", "payment.reference": ""}


def make_intake(client: Browserish, **overrides) -> str:
    """Take an intake through the form; returns its tracking code."""
    client.get("/intakes/new?service=" + overrides.get("service_code", INTAKE["service_code"]))
    response = client.post("/intakes/new", {**INTAKE, **overrides})
    assert response.status_code == 303, response.text[:2000]
    return response.headers["Location"].split("/intakes/")[1].split("?")[0]


# --- a real browser's tab ---------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DESKTOP = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 740}


class Tab:
    """One browser page on the portal, recording every address it asks for."""

    def __init__(self, browser, portal, viewport=DESKTOP, touch: bool = False,
                 javascript: bool = True):
        self.portal = portal
        self.context = browser.new_context(viewport=viewport, locale="fa-IR", has_touch=touch,
                                           java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.asked: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("request", lambda request: self.asked.append(request.url))
        self.broken: list[str] = []
        # 4xx pages are part of the tests; a missing asset or a CSP refusal is not
        self.page.on("console", lambda message: message.type == "error"
                     and not message.text.startswith("Failed to load resource")
                     and self.console_errors.append(message.text))
        self.page.on("response", lambda response: response.status >= 400
                     and response.request.resource_type != "document"
                     and self.broken.append(f"{response.status} {response.url}"))

    def go(self, path: str):
        self.page.goto(self.portal.url + path)
        return self.page

    def login(self, role: str):
        page = self.go("/login")
        page.fill("#f-username", role)
        page.fill("#f-password", self.portal.passwords[role])
        page.press("#f-password", "Enter")
        page.wait_for_url(self.portal.url + "/")
        return page

    def submit(self, selector: str):
        """Click something that loads a new page, and wait for that page."""
        with self.page.expect_navigation(wait_until="load"):
            self.page.click(selector)
        return self.page

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        outside = [url for url in self.asked if not url.startswith(self.portal.url)]
        assert not outside, f"the page asked for something outside the box: {outside}"
        assert not self.console_errors, self.console_errors   # e.g. a CSP violation
        assert not self.broken, self.broken
        self.context.close()


@pytest.fixture
def tab(browser, portal):
    opened = Tab(browser, portal)
    yield opened
    opened.close()
