"""What the tests (and the benchmarks) share: a free loopback port (from
`devtools`, which the PostgreSQL cluster uses too), waiting for a condition
instead of sleeping, a server that answers, and the installed commands. One
copy of each, so that "wait" means one thing."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, TypeVar

import requests

from devtools.ports import free_port  # noqa: F401 (the tests take it from here)

T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 10.0, interval: float = 0.02,
               what: str = "the condition") -> T:
    """Call `condition` until it gives something true and return that; fail
    the test (AssertionError) when `timeout` seconds pass first. A condition
    may itself raise to stop the wait early (a process that died)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout:g} s")
        time.sleep(interval)


def unix_socket_answers(path: str | Path) -> bool:
    """A daemon accepts connections on the Unix socket `path` now (the file
    alone is not enough: it exists between bind() and listen())."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as client:
        client.connect(str(path))
        return True
    return False


def answers(url: str) -> bool:
    """`url` answers 200 now."""
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 30.0,
                 interval: float = 0.005) -> float:
    """Seconds until the server `process` answers 200 on `url` (the short
    interval keeps start-up times measurable); fails at once if it exits."""
    started = time.perf_counter()

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"server exited with status {process.returncode}")
        return answers(url)
    wait_until(up, timeout, interval, what=f"{url} answering")
    return time.perf_counter() - started


def installed_command(name: str) -> str:
    """The console script `name` (`edge`, `edge-gateway`) installed beside the
    running Python, as a user runs it: found from the interpreter, never from
    a hard-coded virtual environment."""
    return str(Path(sys.executable).parent / name)


EDGE = installed_command("edge")
EDGE_GATEWAY = installed_command("edge-gateway")


def run_edge(home: Path, *args: str, stdin: str | None = None,
             **environment: str) -> subprocess.CompletedProcess:
    """`edge --home HOME ARGS...` as a real process, with `environment` added
    to ours; its output as text."""
    return subprocess.run([EDGE, "--home", str(home), *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **environment})
