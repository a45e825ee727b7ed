"""Fixtures for sync tests: real gateways (SQLite and PostgreSQL) on real
waitress servers on free loopback ports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gateway.app import create_app
from devtools.pgcluster import PostgresCluster, postgres_bindir
from gateway.server import ServerThread
from gateway.service import Gateway, init_home
from edge import users
from tests import system
from tests.helpers import EDGE_GATEWAY, free_port, wait_healthy


@pytest.fixture(scope="session")
def postgres():
    bindir = postgres_bindir()
    system.require(bindir is not None, "PostgreSQL server (Debian package postgresql)")
    cluster = PostgresCluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def gateway(tmp_path, db_url) -> Gateway:
    gateway = init_home(tmp_path / "gateway", db_url)
    gateway.add_office("KHR-0042", "دفتر پیشخوان خیرآباد")
    yield gateway
    gateway.close()


@pytest.fixture
def gateway_url(gateway):
    server = ServerThread(create_app(gateway))
    yield server.url
    server.stop()


# ---------------------------------------------------------------- boxes

SYNC_TEST_SETTINGS = """
[sync]
interval_seconds = 1
backoff_min_seconds = 0.05
backoff_max_seconds = 0.2
timeout_seconds = 5
batch_min = 4
batch_max = 64
bundle_check_seconds = 3600
"""


def national_code(number: int) -> str:
    digits = [int(c) for c in f"{number % 10**9:09d}"]
    remainder = sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return "".join(map(str, digits)) + str(check)


class TestBox:
    """A real box in a temp folder with the demo catalogue and an operator."""

    def __init__(self, home: Path, clock=None, extra_settings: str = ""):
        from appliance.demo import prepare_demo_box
        home.mkdir(parents=True, exist_ok=True)
        (home / "edge.toml").write_text(SYNC_TEST_SETTINGS + extra_settings, encoding="utf-8")
        self.box, self.credentials = prepare_demo_box(home, clock)
        self.operator = users.find(self.box.store, "operator")
        self.count = 0

    def intake(self, service: str = "HEALTH-INS"):
        from edge.intake import IntakeRequest
        self.count += 1
        return self.box.intakes.create(IntakeRequest(
            service_code=service, national_code=national_code(1000 + self.count),
            full_name="علی رضایی", mobile="09121234567"), self.operator)

    def enroll(self, gateway, url: str):
        from sync_agent.enroll import enroll
        return enroll(self.box, url, gateway.issue_token("KHR-0042"))

    def agent(self, client_factory=None):
        """The box with a sync agent as its one part (not started); intakes wake it."""
        from edge.parts import Parts
        from sync_agent.part import build
        part = build(self.box, client_factory)
        self.box.fit(Parts(sync=part, workers=part.workers, intake_hooks=part.intake_hooks))
        return part.agent

    def close(self):
        self.box.close()


@pytest.fixture
def make_box(tmp_path):
    made = []

    def make(name: str = "box", clock=None, extra_settings: str = "") -> TestBox:
        box = TestBox(tmp_path / name, clock, extra_settings)
        made.append(box)
        return box
    yield make
    for box in made:
        box.close()


# ---------------------------------------------------------------- gateway processes

REPO = Path(__file__).resolve().parents[2]


def gateway_command(home: Path, *args: str, db_url: str | None = None) -> list[str]:
    command = [EDGE_GATEWAY, "--home", str(home)]
    if db_url:
        command += ["--db", db_url]
    return command + list(args)


class GatewayProcess:
    """A real `edge-gateway serve` process that a test can kill and restart."""

    def __init__(self, home: Path, port: int | None = None, db_url: str | None = None):
        self.home, self.db_url = home, db_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "GatewayProcess":
        self.process = subprocess.Popen(
            gateway_command(self.home, "serve", "--port", str(self.port), db_url=self.db_url),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
        wait_healthy(self.url + "/v1/health", self.process, timeout=20, interval=0.05)
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
