"""Schemathesis over the box's /api/v1/openapi.json and the gateway's /v1/openapi.json.

Every operation gets generated cases, valid and invalid by its own schema,
sent to a real `edge run` and a real `edge-gateway serve`. Figures: cases,
server errors (5xx), and on the box rows left half-written (an intake with no
status history, an outbox duplicate or gap).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from tests.campaigns.blackbox import Api, Database, DemoTemplate, RunningBox
from tests.campaigns.report import Campaign
from tests.helpers import EDGE_GATEWAY, free_port, wait_healthy


def fuzz(openapi_url: str, base_url: str, headers: dict, examples: int) -> Counter:
    """Status classes of every case sent; "5xx ..." keys name the operation."""
    counts: Counter = Counter()
    schema = schemathesis.openapi.from_url(openapi_url)
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(result.ok(), mode, base_url, headers, examples, counts)
            except Unsatisfiable:
                pass  # an operation with nothing to get wrong (no parameters, no body)
    return counts


def fuzz_operation(operation, mode: GenerationMode, base_url: str, headers: dict, examples: int,
                   counts: Counter) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode))
    def send(case):
        status = case.call(base_url=base_url, headers=headers, timeout=30).status_code
        counts["cases"] += 1
        counts[f"{status // 100}xx"] += 1
        if status >= 500:
            counts[f"5xx {operation.method.upper()} {operation.path}"] += 1

    send()


def box_figures(template: DemoTemplate, folder, examples: int) -> dict:
    home = template.copy_to(folder / "schema-box")
    with RunningBox(home) as box:
        api = Api(box.url, "supervisor", template.passwords["supervisor"])
        counts = fuzz(box.url + "/api/v1/openapi.json", box.url,
                      {"Authorization": f"Bearer {api.token}"}, examples)
    database = Database(home)
    duplicates, gaps = database.outbox_faults()
    return {"counts": counts, "half-written": database.intakes_without_history() + duplicates + gaps}


def gateway_command(home, *args: str) -> list[str]:
    return [EDGE_GATEWAY, "--home", str(home), *args]


def gateway(home, *args: str) -> dict:
    done = subprocess.run(gateway_command(home, *args, "--json"),
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def gateway_counts(folder, examples: int) -> Counter:
    home = folder / "schema-gateway"
    gateway(home, "init")
    key = gateway(home, "apikey", "issue", "campaign")["key"]
    port = free_port()
    process = subprocess.Popen(gateway_command(home, "serve", "--port", str(port)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(base + "/v1/openapi.json", process, timeout=60)
        except AssertionError:
            return Counter({"no OpenAPI document": 1})
        return fuzz(base + "/v1/openapi.json", base, {"Authorization": f"Bearer {key}"}, examples)
    finally:
        process.terminate()
        process.wait(timeout=30)


def server_errors(counts: Counter) -> str:
    where = sorted(name[4:] for name in counts if name.startswith("5xx "))
    return f"{counts['5xx']}" + (f" ({', '.join(where)})" if where else "")


def run(template: DemoTemplate, folder, examples: int = 100) -> Campaign:
    campaign = Campaign("schemathesis", f"{examples} valid and {examples} invalid cases per operation")
    box = box_figures(template, folder, examples)
    campaign.figure("box: cases (2xx / 4xx)", f"{box['counts']['cases']:,} "
                    f"({box['counts']['2xx']:,} / {box['counts']['4xx']:,})")
    campaign.guarantee("box: server errors", server_errors(box["counts"]) if box["counts"]["5xx"] else 0)
    campaign.guarantee("box: half-written rows", box["half-written"])
    central = gateway_counts(folder, examples)
    if central["no OpenAPI document"]:
        campaign.figure("gateway: OpenAPI document", "missing")
        return campaign
    campaign.figure("gateway: cases (2xx / 4xx)", f"{central['cases']:,} ({central['2xx']:,} / {central['4xx']:,})")
    campaign.guarantee("gateway: server errors", server_errors(central) if central["5xx"] else 0)
    return campaign
