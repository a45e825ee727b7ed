"""Sync benchmarks: wire bytes per intake, a busy and an idle office day on
the wire, how long an intake waits for the gateway, draining after the link
returns, draining a backlog through a throttled GSM-like link, and gateway
ingest records/s on SQLite and PostgreSQL. Everything runs on loopback; byte
counts are HTTP bytes (head and body, both ways) through a counting proxy.

    python bench/bench_sync.py          # prints the rows as JSON
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

INTAKES = 300
BACKLOG = 5000
LINK_BYTES_PER_SECOND = 128_000 / 8
LINK_ROUND_TRIP = 0.300
OFFICE = "KHR-0042"
GIVEN = ["زهرا", "علی", "مریم", "حسین", "فاطمه", "محمدرضا", "نرگس", "ابوالفضل", "کوثر", "یاسین",
         "بهاره", "سجاد", "طاهره", "غلامعلی", "پریسا"]
FAMILY = ["احمدی", "رضایی", "حسینی", "محمدی", "کریمی", "شاه‌محمدی", "بابایی", "قربانی",
          "نیک‌نام", "دهقان", "طاهرخانی", "ملک‌زاده", "یزدانی", "چراغی", "فرهادی"]
# A realistic mix of the demo catalogue's services, with the fields each needs.
SERVICES = [
    ("SMART-ID", lambda r: {"request_kind": r.choice(["صدور اول", "المثنی"])}),
    ("DRIVING-RENEW", lambda r: {"licence_number": str(r.randrange(10**9, 10**10))}),
    ("HEALTH-INS", lambda r: {}),
    ("SANA-REG", lambda r: {}),
    ("POST-PARCEL", lambda r: {"postcode": str(r.randrange(10**9, 10**10)),
                               "weight_grams": str(r.randrange(50, 20000))}),
    ("SOCIAL-RECORD", lambda r: {"insurance_number": str(r.randrange(10**9, 10**10))}),
    ("BILL-PAY", lambda r: {"bill_id": str(r.randrange(10**12, 10**13)),
                            "payment_id": str(r.randrange(10**8, 10**9))}),
]


def row(name, unit, ours, baseline, baseline_name, target):
    return {"name": name, "unit": unit, "ours": ours, "baseline": baseline,
            "baseline_name": baseline_name, "ratio": (ours / baseline) if baseline else None,
            "target": target}


def national_code(number: int) -> str:
    digits = [int(c) for c in f"{number % 10**9:09d}"]
    remainder = sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    return "".join(map(str, digits)) + str(remainder if remainder < 2 else 11 - remainder)


# ---------------------------------------------------------------- rigs

class Rig:
    """A gateway on waitress behind a counting link, and one enrolled box."""

    def __init__(self, root: Path, clock=None, link=None, settings: str = "",
                 monotonic=time.monotonic):
        from appliance.demo import prepare_demo_box
        from edge import users
        from gateway.app import create_app
        from gateway.server import ServerThread
        from gateway.service import init_home
        from appliance.demo import demo_bundle
        from sync_agent.enroll import enroll
        from devtools.linksim import LinkSim
        self.gateway = init_home(root / "gateway", None)
        self.gateway.add_office(OFFICE, "office")
        self.gateway.publish_document(demo_bundle(OFFICE))
        self.server = ServerThread(create_app(self.gateway))
        self.link = LinkSim(self.server.port, link)
        home = root / "box"
        home.mkdir(parents=True)
        (home / "edge.toml").write_text(settings, encoding="utf-8")
        self.box, _ = prepare_demo_box(home, clock)
        self.operator = users.find(self.box.store, "operator")
        enroll(self.box, self.server.url, self.gateway.issue_token(OFFICE))
        with self.box.store.write():
            self.box.store.models.SyncEnrolment.update(gateway_url=self.link.url).execute()
        from edge.parts import Parts
        from sync_agent.part import build
        part = build(self.box)
        self.box.fit(Parts(sync=part, workers=part.workers))
        self.agent = part.agent
        self.agent.monotonic = monotonic
        self.count = 0
        self.rng = random.Random(1405)

    def intake(self):
        """A citizen with a random name, codes and number, for a random service."""
        from edge.intake import IntakeRequest
        self.count += 1
        rng = self.rng
        code, fields = rng.choice(SERVICES)
        card = rng.random() < 0.4
        return self.box.intakes.create(IntakeRequest(
            code, national_code(rng.randrange(10**9)),
            f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "09" + str(rng.randrange(10**8, 10**9)), fields(rng),
            payment_method="card" if card else "cash",
            payment_reference=str(rng.randrange(10**11, 10**12)) if card else "",
            card_last4=str(rng.randrange(1000, 10**4)) if card else ""),
            self.operator)

    def drain(self) -> None:
        for _ in range(10_000):
            result = self.agent.sync_once()
            if not result.ok:
                raise RuntimeError(result.error)
            if self.box.outbox.depth() == 0:
                return

    def close(self) -> None:
        self.box.close()
        self.link.close()
        self.server.stop()
        self.gateway.close()


# ---------------------------------------------------------------- 1. bytes per intake

def bytes_per_intake(root: Path) -> list[dict]:
    rig = Rig(root / "bytes", settings="[sync]\nbundle_check_seconds = 86400\n")
    try:
        rig.agent.sync_once(force_bundle=True)         # the day's bundle, not counted below
        before = rig.link.counters.up + rig.link.counters.down
        intakes = [rig.intake() for _ in range(INTAKES)]
        rig.drain()
        ours = (rig.link.counters.up + rig.link.counters.down - before) / INTAKES
        events = [{"device": rig.box.keys.device_id, "seq": r["seq"], "type": r["type"],
                   "hlc": r["hlc"], "payload": r["payload"]}
                  for r in rig.gateway.feed(0, 10_000)["records"]][-INTAKES:]
        assert len(intakes) == len(events)
    finally:
        rig.close()
    naive = naive_json_posts(events) / INTAKES
    gzipped = len(gzip.compress(json.dumps(events, ensure_ascii=False).encode("utf-8"))) / INTAKES
    return [
        row("sync wire bytes per intake (HTTP+crypto) vs one JSON POST each", "bytes/intake",
            ours, naive, "one JSON POST per intake (requests)", "<= 0.3"),
        row("sync wire bytes per intake vs gzip of the plain batch (payload only)", "bytes/intake",
            ours, gzipped, "gzip of plain JSON batch, no HTTP, no crypto", "report"),
    ]


def naive_json_posts(events: list[dict]) -> int:
    """Bytes both ways when each event is POSTed as its own JSON with requests."""
    import requests
    from flask import Flask, jsonify, request
    from gateway.server import ServerThread
    from devtools.linksim import LinkSim
    app = Flask("naive")

    @app.post("/v1/events")
    def take():
        document = request.get_json()
        return jsonify(ok=True, held=document["seq"])
    server = ServerThread(app)
    link = LinkSim(server.port)
    try:
        session = requests.Session()
        for event in events:
            session.post(link.url + "/v1/events", json=event, timeout=10).raise_for_status()
        session.close()
        return link.counters.up + link.counters.down
    finally:
        link.close()
        server.stop()


# ---------------------------------------------------------------- 2. office days

class FakeMonotonic:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def office_day(root: Path, intakes: int, hours: float, name: str) -> dict:
    """Bytes both ways over a simulated day, and each intake's wait for the
    gateway: intakes at random times, each asking for a sync
    `sync.coalesce_seconds` later (as the intake hook does), and the agent
    looking every `sync.interval_seconds`, with the clock moved on."""
    from edge.clock import FakeClock
    from appliance.assembly import load_settings
    start = datetime(2026, 12, 2, 5, 0, tzinfo=timezone.utc)          # 08:30 in Tehran
    clock, monotonic = FakeClock(start), FakeMonotonic()
    rig = Rig(root / name, clock=clock, monotonic=monotonic)
    try:
        settings = load_settings(rig.box.home)
        interval, coalesce = settings["sync.interval_seconds"], settings["sync.coalesce_seconds"]
        rig.agent.sync_once(force_bundle=True)           # the box starts with the current bundle
        rig.link.counters.up = rig.link.counters.down = 0
        rng = random.Random(8)
        moments = sorted(rng.uniform(0, hours * 3600) for _ in range(intakes))
        waiting, latencies = [], []
        tick, due = float(interval), None
        while True:
            moment = min(tick, due if due is not None else tick)
            if moments and moments[0] < moment:
                written = moments.pop(0)
                clock.set(start + timedelta(seconds=written))
                rig.intake()
                waiting.append(written)
                due = due if due is not None else written + coalesce
                continue
            if moment > hours * 3600:
                break
            clock.set(start + timedelta(seconds=moment))
            monotonic.now = 1000.0 + moment
            began = time.perf_counter()
            result = rig.agent.sync_once()
            if not result.ok:
                raise RuntimeError(result.error)
            took = time.perf_counter() - began
            latencies += [moment - written + took for written in waiting]
            waiting, due = [], None
            tick = tick + interval if moment >= tick else tick
        held = rig.gateway.devices()[0]["held_seq"]
        assert held >= intakes
        return {"bytes": rig.link.counters.up + rig.link.counters.down,
                "latencies": sorted(latencies), "exchanges": rig.link.counters.requests}
    finally:
        rig.close()


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


def drain_after_link_returns(root: Path) -> dict:
    """Real time: the agent runs as in `edge run`; the link goes down, intakes
    queue while it backs off (a long backoff), the link returns, and the
    probe lets the queue drain without waiting the backoff out."""
    rig = Rig(root / "flap", settings="[sync]\nbundle_check_seconds = 86400\n"
              "coalesce_seconds = 1\nprobe_seconds = 3\nbackoff_min_seconds = 120\n")
    try:
        rig.agent.sync_once(force_bundle=True)
        rig.agent.start()
        rig.link.set_up(False)
        for _ in range(20):
            rig.intake()
        deadline = time.monotonic() + 30
        while rig.agent.next_round_at is None or rig.agent.state.value != "backing_off":
            if time.monotonic() > deadline:
                raise RuntimeError("the agent never backed off")
            time.sleep(0.1)
        backoff = rig.agent.next_round_at - rig.agent.monotonic()
        rig.link.set_up(True)
        returned = time.monotonic()
        while rig.box.outbox.depth():
            if time.monotonic() - returned > 300:
                raise RuntimeError("the queue did not drain")
            time.sleep(0.05)
        return {"seconds": time.monotonic() - returned, "backoff": backoff,
                "probe": rig.box.settings["sync.probe_seconds"]}
    finally:
        rig.agent.stop()
        rig.close()


# ---------------------------------------------------------------- 3. backlog

def drain_backlog(root: Path) -> dict:
    from devtools.linksim import Link
    rig = Rig(root / "backlog", link=Link(LINK_BYTES_PER_SECOND, LINK_ROUND_TRIP / 2),
              settings="[sync]\nbundle_check_seconds = 86400\n")
    try:
        rig.link.link = type(rig.link.link)()            # fast while setting up
        rig.agent.sync_once(force_bundle=True)
        for _ in range(BACKLOG):
            rig.intake()
        from devtools.linksim import Link as L
        rig.link.link = L(LINK_BYTES_PER_SECOND, LINK_ROUND_TRIP / 2)
        rig.link.counters.up = rig.link.counters.down = 0
        started = time.monotonic()
        rig.drain()
        seconds = time.monotonic() - started
        total = rig.link.counters.up + rig.link.counters.down
        return {"seconds": seconds, "bytes": total, "ideal": total / LINK_BYTES_PER_SECOND,
                "requests": rig.link.counters.requests}
    finally:
        rig.close()


# ---------------------------------------------------------------- 4. ingest

def ingest_rate(root: Path, db_url: str | None, devices: int = 4, batches: int = 10,
                per_batch: int = 500) -> tuple[float, float]:
    """(records/s through Gateway.ingest, records/s of plain inserts of the same rows)."""
    from gateway.db import insert_records, write
    from gateway.service import init_home
    from wire.batch import encode_batch
    from wire.records import encode_event, seal
    from wire.enrolment import enroll_request, read_answer
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    gateway = init_home(root, db_url)
    try:
        gateway.add_office(OFFICE, "office")
        recipient = gateway.keys.exchange.public_key()
        wires = []
        for number in range(devices):
            signing, exchange = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
            device_id = f"bench-device-{number}"
            read_answer(gateway.enroll(enroll_request(gateway.issue_token(OFFICE), device_id,
                                                      signing, exchange)), device_id)
            seq = 1
            for _ in range(batches):
                bodies = []
                for _ in range(per_batch):
                    payload = {"tracking_code": f"K7Q2-{seq:04d}-F7", "service_code": "POST-PARCEL",
                               "fee_rials": 780000, "full_name": "زهرا احمدی",
                               "national_code": "0013542419", "mobile": "+989121234567",
                               "created_at": "2026-12-01T08:00:00.000000Z"}
                    bodies.append(seal(encode_event(seq, "intake.created", seq << 16, payload),
                                       recipient, device_id, seq))
                    seq += 1
                wires.append(encode_batch(signing, device_id, 1, seq - per_batch, bodies))
        order = [wires[d * batches + b] for b in range(batches) for d in range(devices)]
        started = time.perf_counter()
        for wire in order:
            gateway.ingest(wire)
        ours = devices * batches * per_batch / (time.perf_counter() - started)
        Record = gateway.models.Record
        stored = list(Record.select().order_by(Record.id).limit(len(wires) * per_batch).tuples())
        rows = [(r[1], 10**7 + i) + tuple(r[3:]) for i, r in enumerate(stored)]
        started = time.perf_counter()
        for start in range(0, len(rows), per_batch):
            with write(gateway.db):
                insert_records(gateway.db, rows[start:start + per_batch])
        plain = len(rows) / (time.perf_counter() - started)
        return ours, plain
    finally:
        gateway.close()


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as folder:
        root = Path(folder)
        rows += bytes_per_intake(root)
        busy = office_day(root, INTAKES, 8, "busy")
        rows.append(row("wire bytes both ways, busy office day (300 intakes, 8 h, polls and "
                        "bundle checks)", "bytes", busy["bytes"], 90_000, "budget 90 KB",
                        "<= 1 (90 KB)"))
        rows += [row(f"intake to gateway, link up, p{share} (simulated day, coalesced)", "s",
                     percentile(busy["latencies"], share / 100), 30, "limit 30 s", "report"
                     if share == 50 else "<= 1 (30 s)") for share in (50, 95)]
        idle = office_day(root, 0, 24, "idle")
        rows.append(row("wire bytes both ways, idle day (24 h, polls and bundle checks)", "bytes",
                        idle["bytes"], 10_000, "budget 10 KB", "<= 1 (10 KB)"))
        flap = drain_after_link_returns(root)
        rows.append(row(f"drain after the link returns (backoff then {flap['backoff']:.0f} s, "
                        f"probe every {flap['probe']:.0f} s)", "s", flap["seconds"],
                        flap["probe"] + 5, "probe interval + 5 s", "<= 1"))
        backlog = drain_backlog(root)
        rows.append(row(f"drain {BACKLOG} records at 128 kbit/s, 300 ms RTT", "s",
                        backlog["seconds"], backlog["ideal"], "total bytes / link rate",
                        "<= 1.25"))
        ours, plain = ingest_rate(root / "ingest-sqlite", None)
        rows.append(row("gateway ingest on SQLite, one process", "records/s", ours, plain,
                        "plain inserts of the same rows", "report"))
        rows += postgres_rows(root)
    return rows


def postgres_rows(root: Path) -> list[dict]:
    from devtools.pgcluster import PostgresCluster, postgres_bindir
    bindir = postgres_bindir()
    if bindir is None:
        return [row("gateway ingest on PostgreSQL, one process", "records/s", 0, 1,
                    "PostgreSQL not installed (.ci/system/10-postgresql.sh)", ">= 5000 records/s")]
    cluster = PostgresCluster(bindir)
    cluster.start()
    try:
        ours, plain = ingest_rate(root / "ingest-pg", cluster.new_database())
    finally:
        cluster.stop()
    return [row("gateway ingest on PostgreSQL, one process", "records/s", ours, plain,
                "plain inserts of the same rows", ">= 5000 records/s")]


if __name__ == "__main__":
    import logging
    logging.basicConfig(level=logging.ERROR)
    which = sys.argv[1:]
    if which:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(globals()[which[0]](Path(folder)), indent=1, default=str))
    else:
        print(json.dumps(run(), indent=1, ensure_ascii=False))
