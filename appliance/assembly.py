"""The one place that builds a box from its data folder.

In order: the settings (every component's, listed here), the store with
every component's models and migrations, the device keys, the outbox's
sealer (chosen before anything is written: it follows the enrolment row),
the event log and intake service (`edge.box.Box`), then the parts the
settings ask for, whose intake hooks and workers the box takes in one step.
Nothing is discovered: a new component is added to the lists below.
"""

from __future__ import annotations

from pathlib import Path

import edge.cancellation.schema
import edge.confidential.schema
import edge.daybook.schema
import edge.idempotency.schema
import edge.performance.schema
import edge.retention.schema
import edge.schema
import edge.sla.schema
import edge.voice.schema
import hardware.modem.schema
import hardware.printer.schema
import sync_agent.schema
import web.session_schema
from edge import settings as core_settings
from edge.confidential.keyring import KEYRING_FILE, Keyring
from edge.box import DATABASE_FILE, KEYS_FOLDER, Box, BoxNotReady
from edge.db import Store
from edge.keys import DeviceKeys
from edge.parts import Parts
from edge.performance import settings as performance_settings
from edge.retention import settings as retention_settings
from edge.settings import Settings
from edge.sla import settings as sla_settings
from edge.voice import settings as voice_settings
from hardware.card import settings as card_settings
from hardware.gpio import settings as gpio_settings
from hardware.modem import settings as modem_settings
from hardware.printer import settings as printer_settings
from sync_agent import settings as sync_settings
from sync_agent.sealing import EnrolmentSealer

SCHEMAS = (edge.schema, edge.idempotency.schema, edge.daybook.schema, edge.sla.schema,
           edge.confidential.schema, edge.voice.schema, edge.cancellation.schema,
           edge.performance.schema, edge.retention.schema,
           sync_agent.schema, hardware.printer.schema, hardware.modem.schema,
           web.session_schema)
MODELS = tuple(model for schema in SCHEMAS for model in schema.MODELS)
SETTINGS = (*core_settings.SETTINGS, *sla_settings.SETTINGS, *voice_settings.SETTINGS,
            *performance_settings.SETTINGS, *retention_settings.SETTINGS,
            *sync_settings.SETTINGS, *printer_settings.SETTINGS, *modem_settings.SETTINGS,
            *card_settings.SETTINGS, *gpio_settings.SETTINGS)


def load_settings(home: Path | None, environ=None) -> Settings:
    """Every component's settings for the data folder `home`."""
    return core_settings.load(home, environ, declared=SETTINGS)


def assemble(home: Path, settings: Settings, clock=None, with_parts: bool = False,
             sync_client_factory=None) -> Box:
    """The box of `home`, migrated; with its parts (workers not started yet)
    for `edge run` and `edge demo`, without them for one-shot commands."""
    home = Path(home)
    store = Store(home / DATABASE_FILE, MODELS)
    store.migrate(SCHEMAS)
    box = Box(home, settings, store, DeviceKeys.load(home / KEYS_FOLDER), EnrolmentSealer(store),
              clock, Keyring(home / KEYS_FOLDER / KEYRING_FILE))
    if with_parts:
        box.fit(build_parts(box, sync_client_factory))
    return box


def build_parts(box: Box, sync_client_factory=None) -> Parts:
    """Each part the settings ask for, built on the box's core."""
    # Imported here: one-shot commands (most of `edge`) never build parts,
    # and the parts bring Pillow, requests and serial, slow to load on a Pi.
    from hardware import part as devices
    from hardware.card import part as card
    from hardware.gpio import part as gpio
    from hardware.modem import part as modem
    from hardware.printer import part as printer
    from sync_agent import part as sync
    from edge.performance import daily as performance
    from edge.retention import purge as retention
    sync_part = sync.build(box, sync_client_factory)
    printer_part = printer.build(box)
    modem_part = modem.build(box)
    card_reader = card.build(box)
    front_panel = gpio.build(box)
    workers = [*sync_part.workers, *printer_part.workers, performance.worker(box),
               retention.worker(box)]
    hooks, status_hooks = [*sync_part.intake_hooks, *printer_part.intake_hooks], []
    if modem_part is not None:
        workers += modem_part.workers
        hooks += modem_part.intake_hooks
        status_hooks += modem_part.status_hooks
    workers += [worker for worker in (card_reader, front_panel) if worker is not None]
    return Parts(sync=sync_part, devices=devices.build(box), printer=printer_part,
                 modem=modem_part, card_reader=card_reader, gpio=front_panel,
                 workers=tuple(workers), intake_hooks=tuple(hooks),
                 status_hooks=tuple(status_hooks))


def open_box(home: Path, settings: Settings | None = None, clock=None,
             with_parts: bool = False) -> Box:
    """The box of an initialised data folder, migrated to this software's schema."""
    home = Path(home)
    if not (home / DATABASE_FILE).exists() or not DeviceKeys.exist(home / KEYS_FOLDER):
        raise BoxNotReady(home)
    settings = settings if settings is not None else load_settings(home)
    return assemble(home, settings, clock, with_parts)


def init_box(home: Path, clock=None) -> tuple[Box, list[str]]:
    """Make the data folder, settings file, keys and database; never prompts.
    Safe to run again: what exists is kept. Returns the box and what was made."""
    home = Path(home)
    made = []
    home.mkdir(parents=True, exist_ok=True, mode=0o750)
    settings_path = home / core_settings.SETTINGS_FILE
    if not settings_path.exists():
        settings_path.write_text(core_settings.render_file(SETTINGS), encoding="utf-8")
        made.append(str(settings_path))
    if not DeviceKeys.exist(home / KEYS_FOLDER):
        DeviceKeys.create(home / KEYS_FOLDER)
        made.append(str(home / KEYS_FOLDER))
    if not (home / DATABASE_FILE).exists():
        made.append(str(home / DATABASE_FILE))
    box = assemble(home, load_settings(home), clock)
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
