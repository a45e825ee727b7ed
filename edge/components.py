"""The packages that make up the box. Each may contribute a `settings.py`
(SETTINGS), a `schema.py` (NAME, MIGRATIONS and MODELS) and an
`appliance.py` (`attach(box)`: hooks and workers) that the core picks up."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

COMPONENTS = ("edge", "sync_agent", "hardware", "hardware.printer", "hardware.modem",
              "hardware.card", "hardware.gpio", "web")


def submodules(name: str) -> list[ModuleType]:
    """`COMPONENT.name` for every component that has one, in component order."""
    found = []
    for component in COMPONENTS:
        qualified = f"{component}.{name}"
        if importlib.util.find_spec(component) and importlib.util.find_spec(qualified):
            found.append(importlib.import_module(qualified))
    return found
