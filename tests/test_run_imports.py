"""What `edge run` keeps out of its memory: the modules only some commands
or only tests need. A fresh interpreter imports what the running box imports
(the command, the server, the portal and every part) and must not have
loaded them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The serial console: ~4 MB (its own command and unit); the modem simulator:
# demo and tests.
NOT_IN_A_RUNNING_BOX = ("provisioning.console.actions", "hardware.modem.simulator")

SCRIPT = """
import json, sys
import appliance.cli, appliance.server, web
import hardware.modem.part, hardware.printer.part, sync_agent.part, sync_agent.client
print(json.dumps(sorted(sys.modules)))
"""


def test_edge_run_does_not_load_what_only_other_commands_need():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    loaded = set(json.loads(result.stdout))
    assert "sync_agent.client" in loaded
    assert loaded.isdisjoint(NOT_IN_A_RUNNING_BOX)
