"""The box tells systemd it is ready and feeds the watchdog over `$NOTIFY_SOCKET`:
a datagram socket the test binds stands in for systemd."""

from __future__ import annotations

import os
import signal
import socket
import subprocess

import pytest

from appliance.server import run_until_signalled
from appliance.service_manager import ServiceManagerNotifier
from tests.helpers import EDGE, free_port


@pytest.fixture
def fake_systemd(tmp_path):
    """A bound datagram socket, as systemd's notify socket is."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(tmp_path / "notify"))
        listener.settimeout(30)
        yield listener


def messages(listener: socket.socket, count: int) -> list[str]:
    return [listener.recv(4096).decode("utf-8") for _ in range(count)]


def drain(listener: socket.socket) -> list[str]:
    """Every message still waiting (the sender has stopped)."""
    listener.settimeout(0.5)
    sent = []
    while True:
        try:
            sent.append(listener.recv(4096).decode("utf-8"))
        except TimeoutError:
            return sent


def test_edge_run_says_ready_then_feeds_the_watchdog_then_says_stopping(tmp_path, fake_systemd):
    home = tmp_path / "box"
    subprocess.run([EDGE, "--home", str(home), "init"], check=True, capture_output=True, timeout=60)
    environment = {**os.environ, "NOTIFY_SOCKET": fake_systemd.getsockname(),
                   "WATCHDOG_USEC": "400000"}   # a ping every 0.2 s
    process = subprocess.Popen([EDGE, "--home", str(home), "run", "--port", str(free_port())],
                               env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, *pings = messages(fake_systemd, 4)
        assert ready.splitlines()[0] == "READY=1"
        assert pings == ["WATCHDOG=1"] * 3
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert drain(fake_systemd)[-1] == "STOPPING=1"


def test_the_watchdog_is_for_the_process_systemd_named_only():
    environ = {"NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"}

    assert ServiceManagerNotifier.from_environment(environ, 42).ping_interval == 15
    assert ServiceManagerNotifier.from_environment(environ, 43).ping_interval is None
    assert ServiceManagerNotifier.from_environment({}, 42) == ServiceManagerNotifier(None, None)


def test_an_abstract_socket_name_is_reached_through_a_leading_nul():
    name = f"pishkhan-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(b"\0" + name.encode())
        listener.settimeout(5)
        ServiceManagerNotifier.from_environment({"NOTIFY_SOCKET": "@" + name}, os.getpid()).ready()
        assert listener.recv(4096).startswith(b"READY=1")


class IdleServer:
    def start(self) -> None: ...
    def stop(self) -> None: ...


def test_an_unhealthy_box_sends_no_pings(fake_systemd):
    notifier = ServiceManagerNotifier(fake_systemd.getsockname(), watchdog_seconds=0.02)
    rounds = []

    def healthy() -> bool:   # well for three rounds, then not; a SIGTERM after the eighth
        rounds.append(len(rounds) + 1)
        if len(rounds) == 8:
            os.kill(os.getpid(), signal.SIGTERM)
        return len(rounds) <= 3

    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        run_until_signalled([IdleServer()], notifier=notifier, healthy=healthy)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    sent = drain(fake_systemd)
    assert sent[0].startswith("READY=1") and sent[-1] == "STOPPING=1"
    assert sent[1:-1] == ["WATCHDOG=1"] * 3
