"""Disk full: the data folder on a small tmpfs, filled up while `edge run` serves.

Figures: the status codes (and error codes) of login, reads and an intake with
no space left, then of an intake once the space is freed, and `edge check`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from pathlib import Path

import requests

from tests.campaigns.blackbox import INTAKE, Api, DemoTemplate, RunningBox, edge_check
from tests.campaigns.report import Campaign

CHUNKS = (1 << 20, 1 << 12, 1)


@contextlib.contextmanager
def small_tmpfs(mountpoint: Path, size: str):
    """A tmpfs of `size` at `mountpoint` (needs root: mount(8))."""
    mountpoint.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
                          check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cannot mount a tmpfs (root needed): {done.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def fill(filler: Path) -> int:
    """Write until ENOSPC, in smaller and smaller pieces; the bytes written."""
    written = 0
    with open(filler, "wb", buffering=0) as out:
        for chunk in CHUNKS:
            while True:
                try:
                    written += out.write(b"\0" * chunk)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    return written


def outcome(answer: requests.Response) -> str:
    """`201` or `500 internal` or `507 disk.full`: the status and the error code."""
    try:
        code = answer.json().get("error", {}).get("code", "")
    except ValueError:
        code = answer.headers.get("Content-Type", "").split(";")[0]
    return f"{answer.status_code} {code}".strip()


def answers_when_full(box: RunningBox, api: Api, passwords: dict, code: str) -> dict:
    login = requests.post(box.url + "/api/v1/tokens", timeout=30,
                          json={"username": "supervisor", "password": passwords["supervisor"]})
    return {"API login": outcome(login),
            "portal login page": str(requests.get(box.url + "/login", timeout=30).status_code),
            "catalogue read": outcome(api.get("/api/v1/services")),
            "intake read": outcome(api.get(f"/api/v1/intakes/{code}")),
            "search": outcome(api.get("/api/v1/intakes", params={"national_code": INTAKE["national_code"]})),
            "new intake": outcome(api.post("/api/v1/intakes", json=INTAKE))}


def run(template: DemoTemplate, folder, size: str = "64m") -> Campaign:
    campaign = Campaign("disk full", f"the data folder on a {size} tmpfs, filled while edge run serves")
    with small_tmpfs(folder / "tmpfs", size) as mounted:
        home = template.copy_to(mounted / "box")
        with RunningBox(home) as box:
            api = Api(box.url, "operator", template.passwords["operator"])
            code = api.post("/api/v1/intakes", json=INTAKE).json()["tracking_code"]
            filled = fill(mounted / "filler")
            for name, value in answers_when_full(box, api, template.passwords, code).items():
                campaign.figure(f"full disk: {name}", value)
            os.remove(mounted / "filler")
            campaign.figure("space freed: new intake", outcome(api.post("/api/v1/intakes", json=INTAKE)))
        campaign.figure("bytes the filler took", filled)
        campaign.figure("edge check after", "ok" if edge_check(home)["ok"] else "FAILED")
        shutil.rmtree(home, ignore_errors=True)
    return campaign
