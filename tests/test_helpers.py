"""The shared test helpers mean what they say: a wait returns what it waited
for or fails saying what, a dead server fails at once, a free port binds."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from tests.helpers import free_port, run_edge, wait_healthy, wait_until


def test_wait_until_returns_the_first_true_value():
    answers = iter([None, 0, [], ["ready"]])
    assert wait_until(lambda: next(answers), interval=0) == ["ready"]


def test_wait_until_fails_naming_what_did_not_hold():
    started = time.monotonic()
    with pytest.raises(AssertionError, match="the printer ready did not hold within 0.2 s"):
        wait_until(lambda: False, timeout=0.2, what="the printer ready")
    assert time.monotonic() - started < 2


def test_a_server_that_exits_fails_the_wait_at_once(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    started = time.monotonic()
    with pytest.raises(AssertionError, match="server exited with status 3"):
        wait_healthy(f"http://127.0.0.1:{free_port()}/", process, timeout=20)
    assert time.monotonic() - started < 10


def test_a_free_port_can_be_listened_on():
    with socket.socket() as server:
        server.bind(("127.0.0.1", free_port()))
        server.listen()


def test_the_installed_edge_command_runs(tmp_path):
    result = run_edge(tmp_path / "box", "--help")
    assert result.returncode == 0, result.stderr
    assert "init" in result.stdout
