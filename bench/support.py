"""What the benchmarks share: the box as deployed, memory, percentiles, rows.
Free ports and waiting are the tests' own (`tests.helpers`), one copy for both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BOX_VENV = Path(__file__).resolve().parent / ".box-venv"
ROOT = Path(__file__).resolve().parent.parent
# As the service unit runs it (provisioning/systemd/pishkhan-edge.service).
SERVICE_ENV = {"MALLOC_ARENA_MAX": "2"}


def box_python() -> str:
    """The Python of a virtual environment holding the box as a Pi has it
    (`pip install .`, no test or gateway extras), made once and reused."""
    python = BOX_VENV / "bin" / "python"
    stamp = BOX_VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        subprocess.run([sys.executable, "-m", "venv", str(BOX_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(ROOT)], check=True)
        stamp.touch()
    return str(python)


def start_edge(home: Path, port: int, *extra: str, env: dict | None = None) -> subprocess.Popen:
    """`edge run` as deployed, with its log in HOME/edge.log (a pipe nobody
    reads would fill up and stop the server at its next log line)."""
    env = {**os.environ, **SERVICE_ENV, "EDGE_HOME": str(home), **(env or {})}
    with open(home / "edge.log", "ab") as log:
        return subprocess.Popen([box_python(), "-m", "appliance", "run", "--port", str(port), *extra],
                                env=env, stdout=log, stderr=log)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
    return ordered[index]


def row(name: str, unit: str, ours: float, baseline: float, baseline_name: str,
        target: str) -> dict:
    return {"name": name, "unit": unit, "ours": round(ours, 4), "baseline": round(baseline, 4),
            "baseline_name": baseline_name, "ratio": round(ours / baseline, 3) if baseline else None,
            "target": target}
