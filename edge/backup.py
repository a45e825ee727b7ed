"""`edge backup`: a consistent copy of the live database, never half-written.

SQLite's online backup API copies a consistent snapshot while the box keeps
working; the copy is written under a temporary name, fsynced, then renamed
into place (and the folder fsynced), so a power cut leaves either the old
state or the whole new file.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from edge.atomic import fsync_folder


def backup_database(database: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    fsync_folder(target.parent)
    return target


def default_target(home: Path, now: datetime) -> Path:
    return home / "backups" / f"edge-{now.strftime('%Y%m%d-%H%M%S')}.db"

