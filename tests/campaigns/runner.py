"""Which campaigns exist, their full and short budgets, and running them in order."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.campaigns import (blackbox, clock, crash, diskfull, matrix, parsers, powercut,
                             schema_fuzz, soak)
from tests.campaigns.report import RESULTS, Campaign


@dataclass(frozen=True)
class Plan:
    name: str
    run: Callable[..., Campaign]
    full: dict
    short: dict


PLANS = (
    Plan("crash", crash.run, full={"kills": 200}, short={"kills": 2}),
    Plan("power cut", powercut.run, full={"cuts": 200}, short={"cuts": 10}),
    Plan("clock", clock.run, full={}, short={"shifts": ("clock +10 y",)}),
    Plan("disk full", diskfull.run, full={}, short={}),
    Plan("schemathesis", schema_fuzz.run, full={"examples": 150}, short={"examples": 3}),
    Plan("role × route × CSRF", matrix.run, full={}, short={}),
    Plan("soak", soak.run, full={"seconds": 1800, "plot": RESULTS.with_name("soak-rss.svg")},
         short={"seconds": 30}),
    Plan("parsers", parsers.run, full={"examples": 20_000}, short={"examples": 200}),
)


def run_plans(plans, short: bool, report_progress=print) -> tuple[list[Campaign], dict[str, float]]:
    folder = blackbox.scratch("run")
    try:
        template = blackbox.make_demo_template(folder)
        campaigns, seconds = [], {}
        for plan in plans:
            report_progress(f"campaign {plan.name} ...")
            started = time.monotonic()
            campaigns.append(plan.run(template, folder, **(plan.short if short else plan.full)))
            seconds[plan.name] = time.monotonic() - started
        return campaigns, seconds
    finally:
        shutil.rmtree(folder, ignore_errors=True)
