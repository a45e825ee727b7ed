from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from appliance.assembly import build_parts, init_box, open_box
from edge.catalogue import DEMO_EFFECTIVE, DEMO_SERVICES, DEMO_VERSION, install_catalogue
from edge.clock import FakeClock
from edge.intake import IntakeRequest
from edge.users import add_user
from hardware.printer.sim.device import PrinterSimulator
from tests.helpers import unix_socket_answers, wait_until
from tests.system import require, require_binary


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc))


@pytest.fixture
def make_box(tmp_path, clock):
    """make_box(**settings) -> an initialised, attached box on a real SQLite
    file, with the demo catalogue and an operator."""
    boxes = []

    def make(**settings):
        home = tmp_path / f"box{len(boxes)}"
        box, _ = init_box(home, clock=clock)
        box.close()
        box = open_box(home, clock=clock)
        if settings:
            box.settings = box.settings.replace(**settings)
        box.fit(build_parts(box))
        install_catalogue(box.store, box.events, DEMO_SERVICES, DEMO_VERSION, DEMO_EFFECTIVE)
        box.operator = add_user(box.store, box.events, "maryam", "مریم احمدی", "operator",
                                "a-long-password-1")
        boxes.append(box)
        return box

    yield make
    for box in boxes:
        box.close()


def new_intake(box, service_code="SMART-ID", fields=None):
    fields = {"request_kind": "صدور اول"} if fields is None else fields
    return box.intakes.create(IntakeRequest(
        service_code=service_code, national_code="0013542419", full_name="علی رضایی",
        mobile="09121234567", fields=fields), box.operator)


@pytest.fixture
def simulator(tmp_path):
    return PrinterSimulator(tmp_path / "sim")


CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")

CUPSD_CONF = """Listen {root}/cups.sock
LogLevel warn
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
"""

CUPS_FILES_CONF = """ServerRoot {root}
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
TempDir {root}/spool/tmp
SystemGroup root
"""


@pytest.fixture
def cups():
    """A private cupsd with one cups-pdf queue; yields (queue, lp env)."""
    cupsd = require_binary("cupsd", "cups-daemon")
    lpadmin = require_binary("lpadmin", "cups-client")
    require_binary("lp", "cups-client")
    require(CUPS_PDF_BACKEND.exists() and CUPS_PDF_PPD.exists(),
            "the cups-pdf printer (Debian package printer-driver-cups-pdf)")
    require(os.geteuid() == 0, "root, to run a private cupsd with the cups-pdf backend")
    root = Path(tempfile.mkdtemp(prefix="cups-", dir="/tmp"))   # short: a socket path
    for folder in ("spool/tmp", "cache", "state", "log", "ppd"):
        (root / folder).mkdir(parents=True)
    (root / "cupsd.conf").write_text(CUPSD_CONF.format(root=root))
    (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))
    process = subprocess.Popen([cupsd, "-f", "-c", str(root / "cupsd.conf"),
                                "-s", str(root / "cups-files.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "CUPS_SERVER": str(root / "cups.sock")}
    try:
        wait_until(lambda: unix_socket_answers(root / "cups.sock"), timeout=15,
                   what="cupsd listening")
        subprocess.run([lpadmin, "-p", "formsA4", "-E", "-v", "cups-pdf:/",
                        "-P", str(CUPS_PDF_PPD)], env=env, check=True, capture_output=True,
                       timeout=30)
        yield "formsA4", env
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
