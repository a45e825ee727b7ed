"""Portal pages under load: p99 latency of the dashboard and the new-intake
form with 8 concurrent logged-in clients, against a trivial route
(/api/v1/health) of the same waitress server, measured side by side.

The clients are separate processes (as the office's browsers are separate
machines), so they do not share the server's interpreter lock; the routes
are measured in alternating rounds so that a slow moment of the machine
falls on both alike."""

from __future__ import annotations

import multiprocessing
import re
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appliance.demo import prepare_demo_box  # noqa: E402
from edge.intake import IntakeRequest  # noqa: E402
from edge import users  # noqa: E402
from appliance.server import BoxServer  # noqa: E402
from bench.support import percentile, row  # noqa: E402

CLIENTS = 8
ROUNDS = 6
REQUESTS_PER_ROUND = 40
WARM_UP = 3
TARGET = "ratio <= 3"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BASELINE = "/api/v1/health"
PAGES = (("portal dashboard p99, 8 clients", "/"),
         ("portal new-intake form p99, 8 clients", "/intakes/new?service=POST-PARCEL"))


def login_cookies(url: str, password: str) -> dict:
    with requests.Session() as session:
        page = session.get(url + "/login", timeout=10)
        token = CSRF.search(page.text).group(1)
        response = session.post(url + "/login", timeout=10, allow_redirects=False, data={
            "username": "operator", "password": password, "csrf_token": token})
        assert response.status_code == 303, response.status_code
        return session.cookies.get_dict()


def client(url: str, cookies: dict, paths: list[str], start_at: float) -> dict[str, list[float]]:
    """One browser: its own login, the paths in rounds, milliseconds per request."""
    samples: dict[str, list[float]] = {path: [] for path in paths}
    with requests.Session() as session:
        session.cookies.update(cookies)
        for path in paths:
            for _ in range(WARM_UP):
                session.get(url + path, timeout=30)
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(ROUNDS):
            for path in paths:
                for _ in range(REQUESTS_PER_ROUND):
                    began = time.perf_counter()
                    response = session.get(url + path, timeout=30, allow_redirects=False)
                    samples[path].append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
    return samples


def in_processes(url: str, cookies: list[dict], paths: list[str]) -> list[dict]:
    """One forked process per client (forked: bench/run.py loads this file under
    a name other processes could not import)."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 3
    workers = [context.Process(target=lambda jar=jar: results.put(client(url, jar, paths, start_at)))
               for jar in cookies]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    return collected


def p99(values: list[float]) -> float:
    return percentile(values, 0.99)


def add_intakes(box, count: int) -> None:
    operator = users.find(box.store, "operator")
    for number in range(count):
        box.intakes.create(IntakeRequest(
            service_code="HEALTH-INS", national_code="0013542419", full_name=f"شهروند {number}",
            mobile="09121234567"), operator)


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as folder:
        box, passwords = prepare_demo_box(Path(folder) / "box")
        add_intakes(box, 40)
        appliance = BoxServer(box, "127.0.0.1", 0, threads=CLIENTS)
        appliance.start()
        try:
            url = appliance.url
            paths = [BASELINE] + [path for _, path in PAGES]
            cookies = [login_cookies(url, passwords["operator"]) for _ in range(CLIENTS)]
            results = in_processes(url, cookies, paths)
            merged = {path: [ms for result in results for ms in result[path]] for path in paths}
            return [row(name, "ms", p99(merged[path]), p99(merged[BASELINE]),
                        f"GET {BASELINE} in the same waitress", TARGET) for name, path in PAGES]
        finally:
            time.sleep(0.2)   # let waitress finish with the closed connections
            appliance.stop()


if __name__ == "__main__":
    for row in run():
        print(row)
