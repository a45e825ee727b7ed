"""Shared fixtures: a real data folder, a real box and a real waitress server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from edge import users
from appliance.assembly import init_box
from edge.clock import FakeClock
from appliance.demo import prepare_demo_box
from appliance.server import BoxServer

PASSWORD = "correct horse 1"


def pytest_configure(config):
    """The CLI tests run the installed `edge` and `edge-gateway`, which know
    only the packages that were there at install time: after pyproject.toml
    changes (a merge that adds a package), say so at once instead of failing
    fifty tests with "No module named"."""
    stamp = Path(sys.prefix) / ".installed"           # written by `make setup`
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime < pyproject.stat().st_mtime:
        raise pytest.UsageError(f"pyproject.toml changed since {sys.prefix} was installed: "
                                "run `make setup` (or `make test`, which does it first)")


@pytest.fixture
def home(tmp_path):
    return tmp_path / "box"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def box(home, clock):
    """An initialised box with the demo catalogue, on a fake clock."""
    made, _ = prepare_demo_box(home, clock)
    yield made
    made.close()


@pytest.fixture
def bare_box(home, clock):
    """An initialised box with no catalogue and no accounts."""
    made, _ = init_box(home, clock)
    yield made
    made.close()


def make_user(box, username: str, role: str):
    return users.add_user(box.store, box.events, username, username.title(), role, PASSWORD)


@pytest.fixture
def operator(box):
    return make_user(box, "ali", "operator")


class ApiClient:
    """requests against the real server, logged in with a bearer token."""

    def __init__(self, base: str, token: str | None = None, lang: str | None = None):
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if lang:
            self.session.headers["Accept-Language"] = lang

    def get(self, path: str, **kwargs):
        return self.session.get(self.base + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs):
        return self.session.post(self.base + path, timeout=10, **kwargs)


@pytest.fixture
def server(box):
    """The box served by a real waitress on a free loopback port."""
    appliance = BoxServer(box, "127.0.0.1", 0, threads=4)
    appliance.start()
    yield appliance
    appliance.close_server()


def login(base: str, username: str, password: str = PASSWORD, lang: str | None = None) -> ApiClient:
    response = requests.post(base + "/api/v1/tokens",
                             json={"username": username, "password": password}, timeout=10)
    assert response.status_code == 201, response.text
    return ApiClient(base, response.json()["token"], lang)


@pytest.fixture
def api(server, operator):
    return login(server.url, operator.username)


def intake_body(**overrides) -> dict:
    body = {"service_code": "HEALTH-INS", "national_code": "0013542419",
            "full_name": "زهرا احمدی", "mobile": "09121234567",
            "payment": {"method": "cash"}}
    body.update(overrides)
    return body
