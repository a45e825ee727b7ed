"""The box assembled: its store, keys, clock and services, built explicitly
from a data folder so a test can make as many as it likes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from edge import components, settings as settings_module
from edge.clock import SystemClock
from edge.db import Store
from edge.errors import EdgeError
from edge.events import EventLog
from edge.intake import IntakeService
from edge.keys import DeviceKeys
from edge.outbox import Outbox

log = logging.getLogger(__name__)

DATABASE_FILE = "edge.db"
KEYS_FOLDER = "keys"


class BoxNotReady(EdgeError):
    """The data folder has not been set up with `edge init`."""

    def __init__(self, home: Path):
        super().__init__("box.not_initialised")
        self.home = home

    def __str__(self) -> str:
        return f"data folder {self.home} is not set up; run: edge --home {self.home} init"


class Worker(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


def all_models() -> list[type]:
    return [model for schema in components.submodules("schema")
            for model in getattr(schema, "MODELS", ())]


class Box:
    def __init__(self, home: Path, settings, clock=None):
        self.home = Path(home)
        self.settings = settings
        self.clock = clock or SystemClock()
        self.store = Store(self.home / DATABASE_FILE, all_models())
        self.keys = DeviceKeys.load(self.home / KEYS_FOLDER)
        self.outbox = Outbox(self.store)
        self.events = EventLog(self.store, self.clock, self.outbox)
        self.intake_hooks: list = []
        self.intakes = IntakeService(self.store, self.events, self.keys.tag, self.intake_hooks)
        self.workers: list[Worker] = []

    def attach_components(self) -> None:
        """Let the other packages add their hooks and workers (see edge.components)."""
        for module in components.submodules("appliance"):
            module.attach(self)

    def start_workers(self) -> None:
        for worker in self.workers:
            worker.start()

    def stop_workers(self) -> None:
        for worker in reversed(self.workers):
            try:
                worker.stop()
            except Exception:  # one worker failing to stop must not keep the others running
                log.exception("worker %r failed to stop", worker)

    def close(self) -> None:
        self.stop_workers()
        self.store.close()


def open_box(home: Path, settings=None, clock=None, attach: bool = False) -> Box:
    """The box of an initialised data folder, migrated to this software's schema."""
    home = Path(home)
    if not (home / DATABASE_FILE).exists() or not DeviceKeys.exist(home / KEYS_FOLDER):
        raise BoxNotReady(home)
    settings = settings if settings is not None else settings_module.load(home)
    box = Box(home, settings, clock)
    box.store.migrate()
    if attach:
        box.attach_components()
    return box


def init_box(home: Path, clock=None) -> tuple[Box, list[str]]:
    """Make the data folder, settings file, keys and database; never prompts.
    Safe to run again: what exists is kept. Returns the box and what was made."""
    home = Path(home)
    made = []
    home.mkdir(parents=True, exist_ok=True, mode=0o750)
    settings_path = home / settings_module.SETTINGS_FILE
    if not settings_path.exists():
        settings_path.write_text(settings_module.render_file(), encoding="utf-8")
        made.append(str(settings_path))
    if not DeviceKeys.exist(home / KEYS_FOLDER):
        DeviceKeys.create(home / KEYS_FOLDER)
        made.append(str(home / KEYS_FOLDER))
    if not (home / DATABASE_FILE).exists():
        made.append(str(home / DATABASE_FILE))
    settings = settings_module.load(home)
    box = Box(home, settings, clock)
    box.store.migrate()
    _ensure_office(box)
    return box, made


def _ensure_office(box: Box) -> None:
    office = box.store.models.Office
    with box.store.write():
        if office.select().exists():
            return
        office.create(code=box.settings["office.code"], name=box.settings["office.name"],
                      licence_number="", licence_status="active")
        box.events.record("console", "office.created", box.settings["office.code"], {})
