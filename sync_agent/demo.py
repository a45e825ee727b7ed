"""The gateway half of `edge demo`: a local gateway on 127.0.0.1:8800 with the
demo office, a bundle built from the demo catalogue, and the box enrolled.

`start_gateway(home)` returns a handle with `start()`/`stop()` (a worker for
`run_until_signalled`) and `pause()`/`resume()` to show the queue growing
while the gateway is away and draining when it is back.
"""

from __future__ import annotations

import logging
from pathlib import Path

from gateway.app import create_app
from gateway.server import ServerThread
from gateway.service import Gateway, init_home
from sync_agent.enroll import enroll

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
    from edge import catalogue
    services = [{key: value for key, value in entry.items() if key != "fee_rials"}
                for entry in catalogue.DEMO_SERVICES]
    tariffs = [{"service": entry["code"], "fee_rials": entry["fee_rials"],
                "effective_from": catalogue.DEMO_EFFECTIVE.isoformat(),
                "version": catalogue.DEMO_VERSION} for entry in catalogue.DEMO_SERVICES]
    return {"expires_days": 365, "services": services, "tariffs": tariffs,
            "suppliers": [{"code": "POST", "name": "شرکت ملی پست"}],
            "offices": {office_code: {"licence_status": "active",
                                      "services": [s["code"] for s in services]}}}
