"""Clock: one `edge run` under a wrong clock (libfaketime), then one with the right one.

What issue 14 item 1 describes, as figures: how far from real time the
`created_at` of an intake made after the clock is fixed is, whether a search
by today's date finds it, and whether a token issued under the wrong clock is
still accepted after the fix (a token from ten years ahead should not live
ten years).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jdatetime

from tests.campaigns.blackbox import INTAKE, Api, DemoTemplate, RunningBox
from tests.campaigns.report import Campaign

SHIFTS = {"clock −1 y": "-365d", "clock 1970": "@1970-01-01 00:00:00", "clock +10 y": "+3650d"}


def faketime(spec: str) -> dict:
    """The environment that starts a process at `spec` through libfaketime's
    preload (the `faketime` wrapper would not pass SIGTERM on to the box);
    monotonic time stays real, as on a box whose wall clock alone is wrong."""
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not found:
        raise RuntimeError("libfaketime is missing (Debian package faketime; .ci/system/60-campaigns.sh)")
    return {"LD_PRELOAD": str(found[0]), "FAKETIME": spec, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def days_off(created_at: str | None) -> float | str:
    if created_at is None:
        return "no intake"
    return round((parse_utc(created_at) - datetime.now(UTC)).total_seconds() / 86400, 1)


def shifted_then_fixed(template: DemoTemplate, home, spec: str) -> dict:
    home = template.copy_to(home)
    with RunningBox(home, env=faketime(spec)) as wrong:
        early = Api(wrong.url, "operator", template.passwords["operator"])
        during = early.post("/api/v1/intakes", json=INTAKE)
    with RunningBox(home) as right:
        early_token_status = Api(right.url, token=early.token).get("/api/v1/services").status_code
        fresh = Api(right.url, "operator", template.passwords["operator"])
        after = fresh.post("/api/v1/intakes", json=INTAKE).json()
        today = jdatetime.date.today().strftime("%Y/%m/%d")
        found = fresh.get("/api/v1/intakes", params={"from": today, "to": today}).json()
    return {"status under the wrong clock": during.status_code,
            "days off, created_at under the wrong clock": days_off(during.json().get("created_at")),
            "days off, created_at after the fix": days_off(after["created_at"]),
            "today's search finds it": any(item.get("tracking_code") == after["tracking_code"]
                                           for item in found["intakes"]),
            "token from the wrong clock, after the fix": early_token_status}


def run(template: DemoTemplate, folder, shifts: tuple[str, ...] = tuple(SHIFTS)) -> Campaign:
    campaign = Campaign("clock", "edge run under faketime, then restarted with the real clock")
    for name in shifts:
        measured = shifted_then_fixed(template, folder / name.replace(" ", "-"), SHIFTS[name])
        for figure, value in measured.items():
            campaign.figure(f"{name}: {figure}", value)
    return campaign
