"""`edge demo`: the newcomer's first look — a box with the demo catalogue and
tariffs and three demo accounts, whose fresh passwords are printed at start."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

from edge import catalogue, users
from edge.box import init_box

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
