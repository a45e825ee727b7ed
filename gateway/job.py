"""What each of the gateway's jobs works with. `gateway.service.Gateway` is
made of the jobs and sets these once, for its own database and keys."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from peewee import Database

from gateway.keys import GatewayKeys
from gateway.models import GatewayModels


class GatewayJob:
    home: Path
    db: Database
    models: GatewayModels          # this gateway's model classes, bound to `db`
    keys: GatewayKeys
    clock_ms: Callable[[], int]
