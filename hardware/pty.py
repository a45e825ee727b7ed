"""The serial line under a simulator: a pseudo-terminal pair in raw mode.

The simulator reads and writes `master`; the box opens `port` (/dev/pts/N)
with pyserial exactly as it would open /dev/ttyUSB0."""

from __future__ import annotations

import os
import tty


class PtyPair:
    def __init__(self):
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)   # no echo or CR/LF translation by the line discipline
        self.port = os.ttyname(self._slave)

    def close(self) -> None:
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
