"""The service unit agrees with the code about user, data folder and command."""

from __future__ import annotations

import configparser
from pathlib import Path

from edge import paths

UNIT = Path(__file__).resolve().parent.parent / "provisioning" / "systemd" / "pishkhan-edge.service"


def test_unit_runs_edge_as_the_service_user_on_the_service_folder():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(UNIT)
    service = unit["Service"]
    assert service["User"] == paths.SERVICE_USER
    environment = dict(item.split("=", 1) for item in service["Environment"].split())
    assert environment["EDGE_HOME"] == str(paths.SERVICE_HOME)
    assert service["ExecStart"].split()[1:3] == ["run", "--host"]
    assert service["KillSignal"] == "SIGTERM"
