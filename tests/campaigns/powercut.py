"""Power cut: a file layer that loses every write the disk was not told to keep.

An apsw VFS holds each file's writes in memory until SQLite syncs it (xSync),
as a disk's cache does; the "cut" throws away what was not synced and the
file on disk is what a box would find after the power came back. The box's
own database (the demo template's `edge.db`, with the box's pragmas from
`edge.db.PRAGMAS`) takes outbox appends the way `edge.outbox` writes them,
one transaction each, counted as acknowledged once COMMIT returns; the cut
falls after a random number of them. After each cut the file is opened with
the ordinary VFS: acknowledged records missing, and `PRAGMA integrity_check`.
With `synchronous=FULL` (what the box uses) nothing acknowledged may be lost;
with NORMAL the campaign counts what would have been.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

from edge.db import PRAGMAS
import apsw

from tests.campaigns.blackbox import DemoTemplate
from tests.campaigns.report import Campaign

VFS_NAME = "powercut"


class CachedFile(apsw.VFSFile):
    """One file whose writes stay in memory until SQLite syncs it."""

    def __init__(self, vfs: "PowerCutVfs", name, flags):
        super().__init__("", name, flags)
        self.vfs = vfs
        size = super().xFileSize()
        self.image = bytearray(super().xRead(size, 0)) if size else bytearray()
        self.synced_size = size
        self.dirty: set[int] = set()         # page-sized blocks written since the last sync

    def xRead(self, amount: int, offset: int) -> bytes:
        return bytes(self.image[offset:offset + amount])

    def xWrite(self, data: bytes, offset: int) -> None:
        end = offset + len(data)
        if end > len(self.image):
            self.image.extend(bytes(end - len(self.image)))
        self.image[offset:end] = data
        self.dirty.update(range(offset // 4096, (end - 1) // 4096 + 1))

    def xTruncate(self, size: int) -> None:
        del self.image[size:]

    def xFileSize(self) -> int:
        return len(self.image)

    def xSync(self, flags: int) -> None:
        if self.vfs.cut:
            return               # the power is off: nothing reaches the disk any more
        if len(self.image) < self.synced_size:
            super().xTruncate(len(self.image))
        for block in sorted(self.dirty):
            chunk = bytes(self.image[block * 4096:(block + 1) * 4096])
            if chunk:
                super().xWrite(chunk, block * 4096)
        self.dirty.clear()
        self.synced_size = len(self.image)
        super().xSync(flags)


class PowerCutVfs(apsw.VFS):
    def __init__(self):
        super().__init__(VFS_NAME, "")
        self.cut = False

    def xOpen(self, name, flags):
        return CachedFile(self, name, flags)

    def xDelete(self, filename: str, syncdir: bool) -> None:
        if not self.cut:          # after the cut, closing the connection must not reach the disk
            super().xDelete(filename, syncdir)


def append_records(path: Path, synchronous: str, count: int) -> int:
    """Outbox appends, one transaction each, through the caching VFS; the
    power goes off after `count` of them. Returns how many COMMITs returned."""
    vfs = PowerCutVfs()
    try:
        db = apsw.Connection(str(path), vfs=VFS_NAME)
        # No shared-memory file for the WAL: one process, the caching VFS has none.
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        for name, value in PRAGMAS.items():
            db.execute(f"PRAGMA {name}={value}")
        db.execute(f"PRAGMA synchronous={synchronous}")
        acknowledged = 0
        for _ in range(count):
            with db:      # one transaction, as edge.outbox.Outbox.append inside an intake's
                seq = db.execute(
                    "INSERT INTO device_state (key, value) VALUES ('outbox.last_seq', '1') "
                    "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 "
                    "RETURNING value").fetchall()[0][0]
                db.execute("INSERT INTO outbox_record (seq, event_type, hlc, created_at, sealing,"
                           " body) VALUES (?, 'campaign.power', 0, '2026-12-04T00:00:00.000Z',"
                           " 'plain', randomblob(300))", (int(seq),))
            acknowledged += 1
        vfs.cut = True
        return acknowledged
    finally:
        vfs.cut = True
        vfs.unregister()


def after_the_cut(path: Path) -> tuple[int, bool]:
    """(campaign records on disk, integrity ok) through the ordinary VFS."""
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT COUNT(*) FROM outbox_record "
                           "WHERE event_type = 'campaign.power'").fetchone()[0]
        ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    return found, ok


def cut_runs(template: DemoTemplate, folder: Path, synchronous: str, cuts: int,
             rng: random.Random) -> dict:
    lost = broken = acknowledged = worst = 0
    for run in range(cuts):
        home = template.copy_to(folder / f"power-{synchronous}-{run}")
        acked = append_records(home / "edge.db", synchronous, rng.randint(1, 600))
        found, ok = after_the_cut(home / "edge.db")
        acknowledged += acked
        lost += max(0, acked - found)
        worst = max(worst, acked - found)
        broken += not ok
        shutil.rmtree(home, ignore_errors=True)
    return {"acknowledged": acknowledged, "lost": lost, "broken": broken, "worst": worst}


def run(template: DemoTemplate, folder, cuts: int = 100, seed: int = 1405) -> Campaign:
    campaign = Campaign("power cut", f"{cuts} cuts each with synchronous=FULL and NORMAL, "
                                     "unsynced writes dropped")
    rng = random.Random(seed)
    full = cut_runs(template, Path(folder), "FULL", cuts, rng)
    campaign.figure("FULL: records acknowledged", full["acknowledged"])
    campaign.guarantee("FULL: acknowledged records lost", full["lost"])
    campaign.guarantee("FULL: runs where integrity_check failed", full["broken"])
    normal = cut_runs(template, Path(folder), "NORMAL", cuts, rng)
    campaign.figure("NORMAL: records acknowledged", normal["acknowledged"])
    campaign.figure("NORMAL: acknowledged records lost", normal["lost"])
    campaign.figure("NORMAL: most lost in one cut", normal["worst"])
    campaign.figure("NORMAL: runs where integrity_check failed", normal["broken"])
    return campaign
