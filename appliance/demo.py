"""`edge demo`: the newcomer's first look — a box with the demo catalogue and
tariffs and three demo accounts, whose fresh passwords are printed at start,
and beside it a local gateway on 127.0.0.1:8800 with the demo office, a
bundle built from the demo catalogue, and the box enrolled.

`start_gateway(home)` returns a handle with `start()`/`stop()` (a server for
`run_until_signalled`) and `pause()`/`resume()` to show the queue growing
while the gateway is away and draining when it is back. This is the one box
module that may import `gateway`: the demo runs one.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from pathlib import Path

from appliance.assembly import init_box
from edge import catalogue, users
from gateway.app import create_app
from gateway.server import ServerThread
from gateway.service import Gateway, init_home
from sync_agent.enroll import enroll

DEMO_ACCOUNTS = (
    ("operator", "اپراتور نمونه", "operator"),
    ("supervisor", "سرپرست نمونه", "supervisor"),
    ("technician", "کارشناس فنی نمونه", "technician"),
)


def demo_password() -> str:
    """Easy to type from the screen: two groups of four lowercase characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    word = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{word[:4]}-{word[4:]}"


def prepare_demo_box(home: Path, clock=None):
    """Initialise (or reuse) `home` with the demo catalogue; returns the box and
    {username: new password} for the demo accounts."""
    box, _ = init_box(home, clock)
    if not box.store.models.Service.select().exists():
        catalogue.install_catalogue(box.store, box.events, catalogue.DEMO_SERVICES,
                                    catalogue.DEMO_VERSION, catalogue.DEMO_EFFECTIVE)
    credentials = {}
    for username, full_name, role in DEMO_ACCOUNTS:
        password = demo_password()
        existing = users.find(box.store, username)
        if existing:
            users.set_password(box.store, box.events, existing, password, actor="demo")
        else:
            users.add_user(box.store, box.events, username, full_name, role, password,
                           actor="demo")
        credentials[username] = password
    return box, credentials


def with_simulated_hardware(settings):
    """Printer, modem and card reader run on their simulators by default; the
    demo also drives the GPIO front panel on gpiozero's mock pins (and never
    powers anything off)."""
    return settings.replace(gpio_enabled=True, gpio_pin_factory="mock", gpio_shutdown_command="")


class DemoFolder:
    """The demo's data folder: the one given, or a fresh one removed at the end."""

    def __init__(self, given: Path | None):
        self.temporary = given is None
        self.path = Path(tempfile.mkdtemp(prefix="pishkhan-demo-")) if given is None else given

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        if self.temporary:
            shutil.rmtree(self.path, ignore_errors=True)


log = logging.getLogger(__name__)

DEMO_GATEWAY_PORT = 8800
DEMO_SYNC_SECONDS = 2


class DemoGateway:
    def __init__(self, gateway: Gateway, host: str, port: int):
        self.gateway, self.host, self.port = gateway, host, port
        self.server: ServerThread | None = None
        self.api_key = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        if self.server is None:
            try:
                self.server = ServerThread(create_app(self.gateway), self.host, self.port)
            except OSError as error:
                raise OSError(error.errno, f"cannot serve the demo gateway on "
                                           f"{self.host}:{self.port}: {error.strerror}") from None
            self.port = self.server.port

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    pause, resume = stop, start

    def close(self) -> None:
        self.stop()
        self.gateway.close()


def start_gateway(home: Path, office_code: str, office_name: str,
                  host: str = "127.0.0.1", port: int = DEMO_GATEWAY_PORT) -> DemoGateway:
    """A running demo gateway in `home` that knows the demo office and serves a bundle."""
    gateway = init_home(Path(home), None)
    if not gateway.office_exists(office_code):
        gateway.add_office(office_code, office_name)
    if gateway.latest_bundle_version() == 0:
        gateway.publish_document(demo_bundle(office_code))
    handle = DemoGateway(gateway, host, port)
    handle.api_key = gateway.issue_api_key("demo-central")
    handle.start()
    return handle


def pause_on_signal(handle: DemoGateway, signum: int | None = None) -> str:
    """`kill -USR1 PID` pauses the demo gateway, the next one resumes it: the
    queue on /sync grows, then drains. Returns the line to print."""
    import os
    import signal
    signum = signum or signal.SIGUSR1

    def toggle(*_):
        if handle.server is None:
            handle.resume()
            log.warning("demo gateway back on %s", handle.url)
        else:
            handle.pause()
            log.warning("demo gateway paused: the box's queue will grow")
    signal.signal(signum, toggle)
    return f"kill -USR1 {os.getpid()} pauses the gateway, again resumes it"


def enroll_demo_box(box, handle: DemoGateway) -> None:
    """Enrol the demo box (once) and make it sync every few seconds."""
    from sync_agent import state
    if state.enrolment(box.store) is None:
        enroll(box, handle.url, handle.gateway.issue_token(_office_code(box)))
    elif state.enrolment(box.store).gateway_url != handle.url:   # a reused folder, another port
        with box.store.write():
            box.store.models.SyncEnrolment.update(gateway_url=handle.url).execute()
    box.settings = box.settings.replace(sync_interval_seconds=DEMO_SYNC_SECONDS)


def _office_code(box) -> str:
    office = box.store.models.Office.select().first()
    return office.code if office else box.settings["office.code"]


def demo_bundle(office_code: str) -> dict:
    """The lead's demo catalogue as a bundle, every service assigned to the office."""
    services = [{key: value for key, value in entry.items() if key != "fee_rials"}
                for entry in catalogue.DEMO_SERVICES]
    tariffs = [{"service": entry["code"], "fee_rials": entry["fee_rials"],
                "effective_from": catalogue.DEMO_EFFECTIVE.isoformat(),
                "version": catalogue.DEMO_VERSION} for entry in catalogue.DEMO_SERVICES]
    return {"expires_days": 365, "services": services, "tariffs": tariffs,
            "suppliers": [{"code": "POST", "name": "شرکت ملی پست"}],
            "offices": {office_code: {"licence_status": "active",
                                      "services": [s["code"] for s in services]}}}
