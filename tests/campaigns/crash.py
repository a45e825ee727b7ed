"""Crash: `edge run` killed with SIGKILL while four clients stream intakes.

After every kill: intakes the API acknowledged (201) that are not in the
database, `edge check` failures, and whether the outbox still holds one
`intake.created` record per intake with consecutive sequence numbers.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.campaigns.blackbox import INTAKE, Api, Database, DemoTemplate, RunningBox, edge_check
from tests.campaigns.report import Campaign

CLIENTS = 4


@dataclass
class Stream:
    """Clients posting intakes until the server disappears under them."""

    api: list[Api]
    acknowledged: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, api: Api) -> None:
        while True:
            try:
                answer = api.post("/api/v1/intakes", json=INTAKE)
            except requests.RequestException:
                return  # the server is gone: this client's stream ends
            with self.lock:
                self.statuses[answer.status_code] += 1
                if answer.status_code == 201:
                    self.acknowledged.add(answer.json()["tracking_code"])

    def run_until_killed(self, box: RunningBox, after_seconds: float) -> None:
        threads = [threading.Thread(target=self.client, args=(api,)) for api in self.api]
        for thread in threads:
            thread.start()
        threading.Event().wait(after_seconds)
        box.kill()
        for thread in threads:
            thread.join(timeout=60)


def run(template: DemoTemplate, folder, kills: int, seed: int = 1405) -> Campaign:
    chance = random.Random(seed)
    home = template.copy_to(folder / "crash")
    database = Database(home)
    campaign = Campaign("crash", f"{kills} kill -9 of edge run during a {CLIENTS}-client intake stream")
    acknowledged: set[str] = set()
    statuses: Counter = Counter()
    tokens: list[str] = []
    per_run = Counter()
    for _ in range(kills):
        box = RunningBox(home).start()
        clients = [Api(box.url, token=token) for token in tokens] or [
            Api(box.url, "operator", template.passwords["operator"]) for _ in range(CLIENTS)]
        tokens = [client.token for client in clients]
        stream = Stream(clients)
        stream.run_until_killed(box, chance.uniform(0.1, 1.2))
        acknowledged |= stream.acknowledged
        statuses += stream.statuses
        lost = len(acknowledged - database.tracking_codes())
        duplicates, gaps = database.outbox_faults()
        per_run.update(runs_with_loss=lost > 0, runs_with_check_failure=not edge_check(home)["ok"],
                       runs_with_outbox_fault=bool(duplicates or gaps))
        per_run["duplicates_max"] = max(per_run["duplicates_max"], duplicates)
        per_run["gaps_max"] = max(per_run["gaps_max"], gaps)
    campaign.figure("kill -9 runs", kills)
    campaign.figure("intakes acknowledged (201)", len(acknowledged))
    campaign.figure("other answers during the stream", sum(n for s, n in statuses.items() if s != 201))
    campaign.figure("5xx answers during the stream", sum(n for s, n in statuses.items() if s >= 500))
    campaign.guarantee("acknowledged intakes lost", len(acknowledged - database.tracking_codes()))
    campaign.guarantee("runs with a loss", per_run["runs_with_loss"])
    campaign.guarantee("runs where edge check failed", per_run["runs_with_check_failure"])
    campaign.guarantee("runs with outbox duplicates or gaps", per_run["runs_with_outbox_fault"])
    campaign.figure("outbox duplicates / gaps (most in one run)",
                    f"{per_run['duplicates_max']} / {per_run['gaps_max']}")
    return campaign
