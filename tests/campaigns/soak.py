"""Soak: eight clients post intakes to `edge run` for a long while; its link
to a real `edge-gateway serve` flaps (devtools.linksim) and the gateway is
killed and started again. The box's resident memory is sampled every second
and drawn as an SVG plot. At the end the link stays up until the box's queue
is empty, and the central system's feed must hold every acknowledged intake
exactly once.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from devtools.linksim import LinkSim
from tests.campaigns.blackbox import INTAKE, Api, DemoTemplate, RunningBox
from tests.campaigns.report import Campaign
from tests.helpers import EDGE_GATEWAY, wait_until
from tests.sync.conftest import GatewayProcess

CLIENTS = 8
OFFICE = "SOAK-0001"
# The box syncs at once and probes a lost link often, so flaps are felt.
SYNC_SETTINGS = """
[sync]
interval_seconds = 1
coalesce_seconds = 0.5
probe_seconds = 0.5
backoff_min_seconds = 0.2
backoff_max_seconds = 2
timeout_seconds = 5
"""


def gateway_cli(home: Path, *args: str) -> str:
    return subprocess.run([EDGE_GATEWAY, "--home", str(home), *args], capture_output=True,
                          text=True, check=True, timeout=120).stdout.strip()


def enrolled_box(folder: Path, gateway_url: str, token: str) -> tuple[Path, str]:
    """A box folder with the demo catalogue, enrolled through the link; the
    operator's password."""
    from appliance.demo import prepare_demo_box
    from sync_agent.enroll import enroll
    home = folder / "soak-box"
    home.mkdir(parents=True)
    (home / "edge.toml").write_text(SYNC_SETTINGS, encoding="utf-8")
    box, credentials = prepare_demo_box(home)
    try:
        enroll(box, gateway_url, token)
    finally:
        box.close()
    return home, credentials["operator"]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def svg_plot(samples: list[tuple[float, float]], title: str) -> str:
    """Resident memory (MiB) over time (s) as a line, with its axes' ranges written out."""
    width, height, margin = 640, 240, 40
    end = max(samples[-1][0], 1.0)
    top = max(mib for _, mib in samples) * 1.1 or 1.0
    points = " ".join(f"{margin + t / end * (width - 2 * margin):.1f},"
                      f"{height - margin - mib / top * (height - 2 * margin):.1f}"
                      for t, mib in samples)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
            f'<title>{title}</title>'
            f'<rect width="{width}" height="{height}" fill="white"/>'
            f'<line x1="{margin}" y1="{height - margin}" x2="{width - margin}" '
            f'y2="{height - margin}" stroke="black"/>'
            f'<line x1="{margin}" y1="{margin}" x2="{margin}" y2="{height - margin}" stroke="black"/>'
            f'<polyline points="{points}" fill="none" stroke="#1565c0" stroke-width="1.5"/>'
            f'<text x="{margin}" y="{margin - 10}" font-size="12">{title}: RSS of edge run, '
            f'0–{top:.0f} MiB</text>'
            f'<text x="{width - margin}" y="{height - 10}" font-size="12" text-anchor="end">'
            f'{end:.0f} s</text></svg>')


class Clients:
    """Eight operators posting intakes until told to stop."""

    def __init__(self, apis: list[Api]):
        self.apis = apis
        self.acknowledged: list[str] = []
        self.statuses: Counter = Counter()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.post, args=(api,)) for api in apis]

    def post(self, api: Api) -> None:
        while not self.stopping.is_set():
            try:
                answer = api.post("/api/v1/intakes", json=INTAKE)
            except requests.RequestException:
                with self.lock:
                    self.statuses["no answer"] += 1
                continue
            with self.lock:
                self.statuses[answer.status_code] += 1
                if answer.status_code == 201:
                    self.acknowledged.append(answer.json()["tracking_code"])

    def __enter__(self) -> "Clients":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def feed_intakes(gateway_url: str, key: str) -> Counter:
    seen: Counter = Counter()
    cursor = "0"
    while True:
        page = requests.get(f"{gateway_url}/v1/feed", params={"after": cursor, "limit": 1000},
                            headers={"Authorization": f"Bearer {key}"}, timeout=30).json()
        seen.update(r["payload"]["tracking_code"] for r in page["records"]
                    if r["type"] == "intake.created")
        if not page["records"]:
            return seen
        cursor = page["next"]


def run(template: DemoTemplate, folder, seconds: float = 1800, plot: Path | None = None,
        seed: int = 1405) -> Campaign:
    folder, rng = Path(folder), random.Random(seed)
    plot = plot or folder / "soak-rss.svg"
    campaign = Campaign("soak", f"{seconds:.0f} s, {CLIENTS} clients, the link flapping, "
                                "the gateway killed and restarted")
    gateway_home = folder / "soak-gateway"
    gateway_cli(gateway_home, "init")
    gateway_cli(gateway_home, "office", "add", OFFICE, "--name", "دفتر آزمون پایداری")
    token = gateway_cli(gateway_home, "token", "issue", OFFICE)
    key = gateway_cli(gateway_home, "apikey", "issue", "soak")
    gateway = GatewayProcess(gateway_home).start()
    link = LinkSim(gateway.port, delay_seconds=0.2)
    flaps = restarts = 0
    samples: list[tuple[float, float]] = []
    try:
        home, password = enrolled_box(folder, link.url, token)
        with RunningBox(home) as box:
            apis = [Api(box.url, "operator", password) for _ in range(CLIENTS)]
            started = time.monotonic()
            next_flap, next_restart = rng.uniform(2, 6), rng.uniform(8, 15)
            with Clients(apis) as clients:
                while (now := time.monotonic() - started) < seconds:
                    samples.append((now, rss_mib(box.process.pid)))
                    if now >= next_flap:
                        link.set_up(not link.up)
                        flaps += 1
                        next_flap = now + rng.uniform(2, 6)
                    if now >= next_restart:
                        gateway.kill()
                        gateway.start()
                        restarts += 1
                        next_restart = now + rng.uniform(8, 15)
                    time.sleep(1)
            link.set_up(True)
            try:
                wait_until(lambda: apis[0].get("/api/v1/sync").json()["queue_depth"] == 0,
                           timeout=180, interval=0.5, what="the box's queue drained")
                drained = True
            except AssertionError:
                drained = False
            samples.append((time.monotonic() - started, rss_mib(box.process.pid)))
        acknowledged = Counter(clients.acknowledged)
        in_feed = feed_intakes(gateway.url, key)
    finally:
        link.close()
        gateway.stop()
    plot.write_text(svg_plot(samples, f"soak {seconds:.0f} s"), encoding="utf-8")
    statuses = clients.statuses
    campaign.figure("intakes acknowledged (201)", sum(acknowledged.values()))
    campaign.figure("link flaps / gateway restarts", f"{flaps} / {restarts}")
    others = {str(s): n for s, n in sorted(statuses.items(), key=str) if s != 201}
    campaign.figure("answers other than 201", json.dumps(others) if others else "none")
    campaign.guarantee("5xx answers", sum(n for s, n in statuses.items()
                                          if isinstance(s, int) and s >= 500))
    campaign.guarantee("acknowledged intakes missing from the feed",
                       len(set(acknowledged) - set(in_feed)) if drained else "queue not drained")
    campaign.guarantee("intakes in the feed more than once",
                       sum(1 for n in in_feed.values() if n > 1))
    rss = [mib for _, mib in samples]
    campaign.figure("RSS of edge run: first / most / last (MiB)",
                    f"{rss[0]:.0f} / {max(rss):.0f} / {rss[-1]:.0f}")
    campaign.figure("RSS plot", str(plot))
    return campaign
