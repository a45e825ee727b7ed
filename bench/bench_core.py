"""Foundation benchmarks: committed intakes/s, API latency, memory, start-up."""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import requests

from bench.support import box_python, peak_rss_mb, percentile, row, start_edge, stop
from tests.helpers import free_port, wait_healthy

INTAKES_FOR_RATE = 1500
CLIENTS = 8
REQUESTS_PER_CLIENT = 150
INTAKES_FOR_MEMORY = 10_000
STARTS = 5

NATIONAL_CODES = ["0013542419", "4608968882", "0084575948"]


def intake_request(i: int):
    from edge.intake import IntakeRequest
    return IntakeRequest("POST-PARCEL", NATIONAL_CODES[i % 3], "زهرا احمدی", "09121234567",
                         {"postcode": "1234567890", "weight_grams": str(100 + i % 900)})


def demo_home(root: Path, name: str):
    from appliance.demo import prepare_demo_box
    return prepare_demo_box(root / name)


ROUNDS = 15   # ours and the baseline take turns, so a noisy disk hits both alike


def intake_rates(root: Path) -> tuple[float, float]:
    """Intakes per second through IntakeService, and the same rows written with
    bare sqlite3 (one transaction each, same pragmas), measured in turns."""
    from edge import users
    bare_box, _ = demo_home(root, "bare")
    bare_box.close()
    bare = _bare_connection(bare_box.store.path)
    box, _ = demo_home(root, "domain")
    operator = users.find(box.store, "operator")
    box.intakes.create(intake_request(0), operator)
    sample = _stored_rows(box.store.db)
    ours_seconds = bare_seconds = 0.0
    per_round = INTAKES_FOR_RATE // ROUNDS
    for turn in range(ROUNDS):
        start = time.perf_counter()
        for i in range(per_round):
            box.intakes.create(intake_request(i), operator)
        ours_seconds += time.perf_counter() - start
        start = time.perf_counter()
        for i in range(per_round):
            _write_bare_intake(bare, sample, turn * per_round + i)
        bare_seconds += time.perf_counter() - start
    box.close()
    bare.close()
    total = per_round * ROUNDS
    return total / ours_seconds, total / bare_seconds


def _stored_rows(db) -> dict:
    """The rows of the last intake, to write again with bare sqlite3."""
    def last(table: str, order: str = "id") -> dict:
        cursor = db.execute_sql(f"SELECT * FROM {table} ORDER BY {order} DESC LIMIT 1")
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone()))
    return {"intake": last("intake"), "intake_status_change": last("intake_status_change"),
            "audit_entry": last("audit_entry"), "outbox_record": last("outbox_record", "seq")}


def _bare_connection(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=full", "foreign_keys=1"):
        db.execute(f"PRAGMA {pragma}")
    return db


def _write_bare_intake(db: sqlite3.Connection, sample: dict, i: int) -> None:
    db.execute("BEGIN IMMEDIATE")
    for key in ("intake.counter", "hlc.last", "outbox.last_seq"):
        db.execute("INSERT OR REPLACE INTO device_state (key, value) VALUES (?, ?)", (key, str(i)))
    intake = {**sample["intake"], "id": None, "tracking_code": f"{i:012d}", "operator_id": 1,
              "service_id": 1, "tariff_id": 1}
    intake_id = _insert(db, "intake", intake)
    _insert(db, "intake_status_change", {**sample["intake_status_change"], "id": None,
                                         "intake_id": intake_id, "user_id": 1})
    _insert(db, "audit_entry", {**sample["audit_entry"], "id": None})
    _insert(db, "outbox_record", {**sample["outbox_record"], "seq": None})
    db.execute("COMMIT")


def _insert(db, table: str, values: dict) -> int:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values())).lastrowid


class Server:
    """A real `edge run` on a demo data folder, with an operator's token.

    Its devices are at the far end of real wires, outside its process: the
    receipts are rendered and written to a file as to a printer, and the SMS
    go over a pty to a modem simulator running here in the benchmark."""

    def __init__(self, root: Path):
        from hardware.modem.simulator import ModemSimulator
        _, credentials = demo_home(root, "server")
        self.modem = ModemSimulator().start()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start_edge(root / "server", self.port, env={
            "EDGE_PRINTER_URL": f"file://{root / 'receipts.bin'}",
            "EDGE_MODEM_PORT": self.modem.port})
        wait_healthy(self.url + "/api/v1/health", self.process)
        answer = requests.post(self.url + "/api/v1/tokens", timeout=10,
                               json={"username": "operator", "password": credentials["operator"]})
        self.headers = {"Authorization": "Bearer " + answer.json()["token"]}

    def post_intake(self, session: requests.Session, i: int) -> None:
        body = {"service_code": "POST-PARCEL", "national_code": NATIONAL_CODES[i % 3],
                "full_name": "زهرا احمدی", "mobile": "09121234567",
                "fields": {"postcode": "1234567890", "weight_grams": str(100 + i % 900)},
                "payment": {"method": "cash"}}
        response = session.post(self.url + "/api/v1/intakes", json=body, headers=self.headers,
                                timeout=30)
        if response.status_code != 201:
            raise RuntimeError(response.text)

    def get_health(self, session: requests.Session, i: int) -> None:
        session.get(self.url + "/api/v1/health", timeout=30).raise_for_status()


def concurrent_latencies(call, clients: int, per_client: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        session = requests.Session()
        mine = []
        for i in range(per_client):
            start = time.perf_counter()
            call(session, offset + i)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n * per_client,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


BASELINE_APP = textwrap.dedent("""
    import sys
    from flask import Flask
    from waitress import serve
    app = Flask(__name__)
    @app.get("/api/v1/health")
    def health():
        return {"status": "ok"}
    serve(app, host="127.0.0.1", port=int(sys.argv[1]))
""")


def start_times(root: Path) -> tuple[float, float, float]:
    """Median seconds from process start to first healthy answer, edge run vs
    bare Flask, and the bare Flask's memory after answering (the floor)."""
    from appliance.assembly import init_box
    init_box(root / "start")[0].close()
    baseline_script = root / "hello.py"
    baseline_script.write_text(BASELINE_APP)
    ours, bare, bare_rss = [], [], 0.0
    for _ in range(STARTS):
        port = free_port()
        process = start_edge(root / "start", port)
        ours.append(wait_healthy(f"http://127.0.0.1:{port}/api/v1/health", process))
        stop(process)
        port = free_port()
        process = subprocess.Popen([box_python(), str(baseline_script), str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        bare.append(wait_healthy(f"http://127.0.0.1:{port}/api/v1/health", process))
        bare_rss = max(bare_rss, peak_rss_mb(process.pid))
        stop(process)
    return sorted(ours)[STARTS // 2], sorted(bare)[STARTS // 2], bare_rss


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ours, bare = intake_rates(root)
        rows.append(row("committed intakes (intake+audit+outbox, one txn)", "intakes/s", ours,
                        bare, "bare sqlite3, same rows and pragmas", "ratio >= 0.5"))

        ours_start, bare_start, bare_rss = start_times(root)
        rows.append(row("start to first healthy answer", "s", ours_start, bare_start,
                        "bare Flask+waitress hello", "ours <= 1.5 s"))

        server = Server(root)
        try:
            posts = concurrent_latencies(server.post_intake, CLIENTS, REQUESTS_PER_CLIENT)
            trivial = concurrent_latencies(server.get_health, CLIENTS, REQUESTS_PER_CLIENT)
            rows.append(row("POST /api/v1/intakes p99, 8 clients", "ms",
                            percentile(posts, 0.99) * 1000, percentile(trivial, 0.99) * 1000,
                            "GET /api/v1/health in the same waitress", "ratio <= 3"))
            remaining = INTAKES_FOR_MEMORY - CLIENTS * REQUESTS_PER_CLIENT
            concurrent_latencies(server.post_intake, CLIENTS, remaining // CLIENTS)
            peak = peak_rss_mb(server.process.pid)
            rows.append(row("peak RSS of edge run after 10,000 intakes", "MB", peak, bare_rss,
                            "bare Flask+waitress hello, same Python", "ours <= 60 MB"))
        finally:
            stop(server.process)
            server.modem.stop()
    return rows
