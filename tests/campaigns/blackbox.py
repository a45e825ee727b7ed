"""The box as a black box: its commands as processes, its HTTP API, its data folder.

Campaigns touch the product only through what the README documents (`edge
demo/run/check`, `/api/v1`, the portal), so they survive a rearrangement of
the code behind them. The one exception is `Database`, a read-only look at
the SQLite file after a crash: the tables it reads are named in one place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import requests

from tests.helpers import EDGE, free_port, run_edge, wait_healthy

START_TIMEOUT = 60
INTAKE = {"service_code": "HEALTH-INS", "national_code": "0013542419",
          "full_name": "زهرا احمدی", "mobile": "09121234567", "payment": {"method": "cash"}}


def edge_command(home: Path, *args: str) -> list[str]:
    return [EDGE, "--home", str(home), *args]


@dataclass
class DemoTemplate:
    """A data folder made once by `edge demo` (catalogue, three accounts,
    enrolled with a gateway that is then gone), copied for every campaign."""

    home: Path
    passwords: dict[str, str]

    def copy_to(self, target: Path) -> Path:
        shutil.copytree(self.home, target)
        return target


def make_demo_template(folder: Path) -> DemoTemplate:
    home = folder / "template"
    gateway_port = free_port()
    process = subprocess.Popen(edge_command(home, "demo", "--port", str(free_port())),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "EDGE_SYNC_DEMO_GATEWAY_PORT": str(gateway_port)})
    passwords: dict[str, str] = {}
    try:
        for line in process.stdout:
            found = re.match(r"\s*login\s+(\w+) / (\S+)", line)
            if found:
                passwords[found[1]] = found[2]
            if "Ctrl-C stops the demo" in line:
                break
    finally:
        stop_demo(process)
    if len(passwords) < 3:
        raise RuntimeError(f"edge demo printed no accounts (exit {process.returncode})")
    return DemoTemplate(home, passwords)


def stop_demo(process: subprocess.Popen) -> None:
    """SIGTERM, again if the first went unheeded (seen under heavy load), then SIGKILL:
    the template is on disk by now, and a demo left running would hold its ports."""
    for signum, patience in ((signal.SIGTERM, 15), (signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        process.send_signal(signum)
        try:
            process.communicate(timeout=patience)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class RunningBox:
    """One `edge run` process on a free loopback port."""

    home: Path
    env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        self.port = free_port()
        with open(self.home / "campaign-run.log", "ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                edge_command(self.home, "run", "--port", str(self.port)),
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env})
        try:
            wait_healthy(self.url + "/api/v1/health", self.process, timeout=START_TIMEOUT)
        except AssertionError as error:
            self.kill()
            raise RuntimeError(f"edge run: {error}: {self.tail()}") from None
        return self

    def tail(self) -> str:
        return (self.home / "campaign-run.log").read_text(errors="replace")[-800:]

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()  # a box that ignores SIGTERM must not outlive the campaign

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.stop()


class Api:
    """A client of /api/v1 with a bearer token."""

    def __init__(self, base: str, username: str | None = None, password: str | None = None,
                 token: str | None = None):
        self.base = base
        self.session = requests.Session()
        self.token = token or (self.login(username, password) if username else None)
        if self.token:
            self.session.headers["Authorization"] = f"Bearer {self.token}"

    def login(self, username: str, password: str) -> str:
        answer = requests.post(self.base + "/api/v1/tokens", timeout=30,
                               json={"username": username, "password": password})
        answer.raise_for_status()
        return answer.json()["token"]

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.session.post(self.base + path, timeout=30, **kwargs)


def edge_check(home: Path) -> dict:
    """`edge check --json`: {"ok": bool, ...}; a crash of the command counts as not ok."""
    done = run_edge(home, "check", "--json")
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {"ok": False, "error": (done.stdout + done.stderr)[-300:]}


class Database:
    """Read-only questions to the box's SQLite file, asked while nothing runs."""

    INTAKES = "SELECT tracking_code FROM intake"
    OUTBOX = "SELECT seq, event_type, sealing, body FROM outbox_record ORDER BY seq"
    HALF_WRITTEN = ("SELECT count(*) FROM intake WHERE id NOT IN "
                    "(SELECT intake_id FROM intake_status_change)")

    def __init__(self, home: Path):
        self.path = home / "edge.db"

    def _rows(self, query: str) -> list[tuple]:
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
            return connection.execute(query).fetchall()

    def tracking_codes(self) -> set[str]:
        return {row[0] for row in self._rows(self.INTAKES)}

    def outbox(self) -> list[tuple[int, str, dict | None]]:
        """(seq, event type, the plain document or None when sealed)."""
        return [(seq, kind, json.loads(body) if sealing == "plain" else None)
                for seq, kind, sealing, body in self._rows(self.OUTBOX)]

    def outbox_faults(self) -> tuple[int, int]:
        """(duplicates, gaps): `intake.created` records beyond one per intake; and
        holes in the pending sequence numbers plus intakes with no record."""
        records = self.outbox()
        created = sum(1 for _, kind, _ in records if kind == "intake.created")
        intakes = len(self.tracking_codes())
        seqs = [seq for seq, _, _ in records]
        holes = (seqs[-1] - seqs[0] + 1 - len(seqs)) if seqs else 0
        return max(0, created - intakes), holes + max(0, intakes - created)

    def intakes_without_history(self) -> int:
        return self._rows(self.HALF_WRITTEN)[0][0]


def scratch(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"campaign-{prefix}-"))
