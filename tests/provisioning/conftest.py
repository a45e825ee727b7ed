"""A box with a technician, its console on one end of a cable, and the other end."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from edge import users
from appliance.assembly import init_box
from tests.helpers import EDGE, installed_command, wait_until
from tests.provisioning.cable import Cable

EDGE_PROVISION = installed_command("edge-provision")
TECHNICIAN, PASSWORD = "reza", "technician pass 1"
BOX_SETTINGS = """
[modem]
port = "sim://"
[card]
reader = "none"
[printer]
url = "sim://"
"""


def make_box_folder(home: Path) -> Path:
    """An initialised data folder with one technician account."""
    home.mkdir(parents=True)
    (home / "edge.toml").write_text(BOX_SETTINGS, encoding="utf-8")
    box, _ = init_box(home)
    try:
        users.add_user(box.store, box.events, TECHNICIAN, "Reza", "technician", PASSWORD)
        users.add_user(box.store, box.events, "ali", "Ali", "operator", PASSWORD)
    finally:
        box.close()
    return home


@pytest.fixture
def box_home(tmp_path):
    return make_box_folder(tmp_path / "box")


@pytest.fixture
def cable():
    made = Cable()
    yield made
    made.close()


class ConsoleProcess:
    """`edge console --port /dev/pts/N` as the systemd unit runs it."""

    def __init__(self, home: Path, port: str, tmp: Path):
        self.reboots = tmp / "reboots"
        self.clock_file = tmp / "clock-set"
        self.log = (tmp / "console.log").open("wb")
        self.process = subprocess.Popen(
            [EDGE, "--home", str(home), "console", "--port", port,
             "--reboot-command", f"sh -c 'echo rebooted >> {self.reboots}'",
             "--clock-command", f"sh -c 'echo {{iso}} > {self.clock_file}'",
             "--journal-command", "", "--idle-logout", "30"],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "EDGE_HOME": str(home)})

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        finally:
            self.log.close()


@pytest.fixture
def console_process(box_home, cable, tmp_path):
    running = ConsoleProcess(box_home, cable.box_port, tmp_path)
    # up once it greets on the line (a person pressing Enter would see the prompt)
    wait_until(lambda: running.process.poll() is None and b"> " in cable.heard_from_box,
               timeout=30, what="the console's greeting")
    yield running
    assert running.stop() == 0, (tmp_path / "console.log").read_text()


def provision(cable: Cable, *args: str, password: str = PASSWORD, timeout: float = 120,
              lang: str = "en", global_options_after: bool = False):
    """Run `edge-provision` on the laptop's end of the cable, its global
    options before the subcommand (or after it)."""
    global_options = ["--port", cable.laptop_port, "--user", TECHNICIAN,
                      "--password-stdin", "--timeout", "2", "--lang", lang]
    arranged = [*args, *global_options] if global_options_after else [*global_options, *args]
    command = [EDGE_PROVISION, *arranged]
    return subprocess.run(command, input=password + "\n", capture_output=True, text=True,
                          timeout=timeout)
