"""The gateway: one object per gateway folder and database, made of its jobs.

Each job lives in its own module and works on the gateway's own store (its
database and the model classes bound to it, `self.models`), its keys and its
clock; HTTP (gateway.app) and the CLI (gateway.cli) are thin layers over it.

    gateway.offices    offices, enrolment tokens, API keys, the device list
    gateway.enrolment  a box's enrolment
    gateway.ingest     batch ingest and the ack
    gateway.feed       what the central system pulls
    gateway.bundles    publishing and serving signed bundles
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Callable

from peewee import Database

from gateway import db as gdb
from gateway.bundles import BundlePublisher
from gateway.enrolment import DeviceEnrolment
from gateway.feed import Feed
from gateway.ingest import BatchIngest
from gateway.keys import GatewayKeys
from gateway.models import build_models
from gateway.offices import OfficeAdmin

CONFIG_FILE = "gateway.toml"
KEYS_DIR = "keys"


class Gateway(OfficeAdmin, DeviceEnrolment, BatchIngest, Feed, BundlePublisher):
    """A gateway on its own database: two of them live in one process at once."""

    def __init__(self, home: Path, db: Database, keys: GatewayKeys,
                 clock_ms: Callable[[], int] = gdb.now_ms):
        self.home = home
        self.db = db
        self.models = build_models(db)
        self.keys = keys
        self.clock_ms = clock_ms

    def migrate(self) -> None:
        gdb.migrate(self.db)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()


def configured_db_url(home: Path) -> str | None:
    path = home / CONFIG_FILE
    if not path.exists():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8")).get("db")


def init_home(home: Path, db_url: str | None) -> Gateway:
    """`edge-gateway init`: keys, the config file and the schema."""
    home.mkdir(parents=True, exist_ok=True)
    keys_dir = home / KEYS_DIR
    if (keys_dir / "centre.key").exists():
        keys = GatewayKeys.load(keys_dir)
    else:
        keys = GatewayKeys.create(keys_dir)
    if db_url:
        (home / CONFIG_FILE).write_text(f"db = {json.dumps(db_url)}\n", encoding="utf-8")
    gateway = Gateway(home, gdb.database_for(db_url, home), keys)
    gateway.migrate()
    return gateway


def open_gateway(home: Path, db_url: str | None = None,
                 clock_ms: Callable[[], int] = gdb.now_ms) -> Gateway:
    db_url = db_url or os.environ.get("EDGE_GATEWAY_DB") or configured_db_url(home)
    keys = GatewayKeys.load(home / KEYS_DIR)
    return Gateway(home, gdb.database_for(db_url, home), keys, clock_ms)
