"""The systemd units and drop-ins agree with the code, and systemd accepts the units."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

from edge import paths
from tests import system

SYSTEMD = Path(__file__).resolve().parents[2] / "provisioning" / "systemd"
UNITS = ("pishkhan-edge.service", "pishkhan-edge-console.service")
INSTALLED_BIN = "/opt/pishkhan-edge/venv/bin"


def read_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(SYSTEMD / name)
    return unit


def test_the_console_unit_runs_edge_console_as_the_service_user_on_the_service_folder():
    service = read_unit("pishkhan-edge-console.service")["Service"]

    assert service["User"] == paths.SERVICE_USER
    assert f"EDGE_HOME={paths.SERVICE_HOME}" in service["Environment"].split()
    assert service["ExecStart"].split()[1:4] == ["console", "--port", "${CONSOLE_PORT}"]
    assert "dialout" in service["SupplementaryGroups"] and service["Restart"] == "always"


def test_the_service_unit_waits_for_ready_and_restarts_a_box_whose_loop_stalls():
    service = read_unit("pishkhan-edge.service")["Service"]

    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"
    assert int(service["WatchdogSec"]) > 0 and service["Restart"] == "on-failure"


def test_the_journal_is_bounded_and_the_hardware_watchdog_fits_the_pis_timer():
    def read_conf(path: str) -> configparser.ConfigParser:
        conf = configparser.ConfigParser(strict=False, interpolation=None)
        conf.optionxform = str
        conf.read(SYSTEMD.parent / path)
        return conf

    journal = read_conf("journald.conf.d/pishkhan-edge.conf")["Journal"]
    manager = read_conf("system.conf.d/pishkhan-edge-watchdog.conf")["Manager"]
    script = (SYSTEMD.parent / "install.sh").read_text(encoding="utf-8")

    assert journal["SystemMaxUse"] and journal["RuntimeMaxUse"] and journal["SyncIntervalSec"]
    assert 0 < int(manager["RuntimeWatchdogSec"]) < 15
    assert "dtparam=watchdog=on" in script


def test_systemd_accepts_both_units(tmp_path):
    analyze = system.require_binary("systemd-analyze", "systemd")
    for name in UNITS:   # pointed at this checkout's `edge`, as install.sh points them at /opt
        text = (SYSTEMD / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_BIN, str(Path(sys.executable).parent)),
                                     encoding="utf-8")

    done = subprocess.run([analyze, "verify", *(str(tmp_path / name) for name in UNITS)],
                          capture_output=True, text=True, timeout=60)

    problems = [line for line in done.stderr.splitlines() if "pishkhan" in line]
    assert done.returncode == 0 and problems == [], done.stderr


def test_the_install_script_is_valid_bash_and_installs_files_that_exist():
    script = SYSTEMD.parent / "install.sh"
    syntax = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=30)

    installed = [word for line in script.read_text(encoding="utf-8").splitlines()
                 if line.startswith("install -m") for word in line.split() if word.startswith("provisioning/")]

    assert syntax.returncode == 0, syntax.stderr
    assert {"provisioning/systemd/pishkhan-edge-console.service",
            "provisioning/sudoers.d/pishkhan-edge-console",
            "provisioning/journald.conf.d/pishkhan-edge.conf",
            "provisioning/system.conf.d/pishkhan-edge-watchdog.conf"} <= set(installed)
    assert all((SYSTEMD.parents[1] / path).is_file() for path in installed)


def test_the_sudoers_entry_allows_the_consoles_two_commands_and_nothing_more():
    service = read_unit("pishkhan-edge-console.service")["Service"]
    rule = (SYSTEMD.parent / "sudoers.d" / "pishkhan-edge-console").read_text(encoding="utf-8")
    allowed = rule.strip().splitlines()[-1].split("NOPASSWD:", 1)[1]

    assert [command.strip() for command in allowed.split(",")] == [
        "/usr/bin/systemctl reboot", "/usr/bin/date --utc --set=@*"]
    assert '--reboot-command "sudo -n /usr/bin/systemctl reboot"' in service["ExecStart"]
    assert '--clock-command "sudo -n /usr/bin/date --utc --set=@{epoch}"' in service["ExecStart"]
