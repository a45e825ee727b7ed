"""The modem's state in words, from the running worker or from its last snapshot."""

from __future__ import annotations

import json
import logging

from edge.i18n import phrase
from hardware.modem.part import status_path

log = logging.getLogger(__name__)


def modem_status(box) -> dict:
    port = box.settings["modem.port"]
    if port.strip() in ("", "none"):
        return {"device": "modem", "state": "disabled", "ok": True, "port": port,
                "words": phrase("no modem configured (modem.port = none)")}
    if box.parts.modem is not None:
        return {**box.parts.modem.status(), "live": True}
    return {**_last_snapshot(box, port), "live": False}


def _last_snapshot(box, port: str) -> dict:
    path = status_path(box.home)
    try:
        snapshot = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"device": "modem", "state": "unknown", "ok": False, "port": port,
                "words": phrase("the box is not running, modem state unknown")}
    except (OSError, ValueError) as error:
        log.warning("modem status file %s: %s", path, error)
        return {"device": "modem", "state": "unknown", "ok": False, "port": port,
                "words": phrase("modem state unreadable")}
    snapshot["words"] = {"en": snapshot.get("words", {}).get("en", "") + " (last seen by the running box)",
                         "fa": snapshot.get("words", {}).get("fa", "") + " (آخرین وضعیت)"}
    return snapshot
