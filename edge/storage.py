"""The box's disk. Intakes stop while less than a reserve of free space is
left, checked before the write, so what must still work when the disk fills
(logging in, reading, status changes, the audit) has room; and a disk that
is full anyway is told apart from other failures, so people read why."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from pathlib import Path

from edge.errors import StorageFull

MB = 1024 * 1024


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


class DiskReserve:
    def __init__(self, folder: Path, reserve_mb: int,
                 measure: Callable[[Path], int] = free_bytes):
        self.folder = Path(folder)
        self.reserve_mb = reserve_mb
        self._measure = measure

    def check(self) -> None:
        """StorageFull when the free space is below the reserve."""
        free = self._measure(self.folder)
        if free < self.reserve_mb * MB:
            raise StorageFull("disk.reserve", free_mb=free // MB, reserve_mb=self.reserve_mb)


def is_disk_full(error: BaseException) -> bool:
    """The operating system's ENOSPC, or SQLite's SQLITE_FULL (peewee passes
    on sqlite3's error, whose words are all that tells it apart)."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    return "database or disk is full" in str(error)
