"""A null-modem cable between two pseudo-terminals.

The console opens `box_port` and edge-provision opens `laptop_port`, each
with pyserial as they would open /dev/serial0 and /dev/ttyUSB0; a relay
thread copies bytes between the two masters. The test can put noise on the
line (`inject`), or make it lose whatever the box sends (`drop_from_box`)."""

from __future__ import annotations

import os
import select
import threading

from hardware.pty import PtyPair


class Cable:
    def __init__(self):
        self.box_side, self.laptop_side = PtyPair(), PtyPair()
        self.box_port, self.laptop_port = self.box_side.port, self.laptop_side.port
        self.drop_from_box = 0           # bytes from the box to lose, as a cut cable would
        self.heard_from_box = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._relay, name="cable", daemon=True)
        self._thread.start()

    def inject(self, data: bytes, to_box: bool = True) -> None:
        """Noise on the line: bytes the other end never sent."""
        with self._lock:
            os.write(self.box_side.master if to_box else self.laptop_side.master, data)

    def _relay(self) -> None:
        box, laptop = self.box_side.master, self.laptop_side.master
        while not self._stop.is_set():
            ready, _, _ = select.select([box, laptop], [], [], 0.05)
            for source in ready:
                try:
                    data = os.read(source, 4096)
                except OSError:
                    continue
                with self._lock:
                    if source == box:
                        self.heard_from_box += data
                        lost = min(self.drop_from_box, len(data))
                        self.drop_from_box -= lost
                        if data[lost:]:
                            os.write(laptop, data[lost:])
                    else:
                        os.write(box, data)

    def pull(self) -> None:
        """The cable pulled out of the box: its end of the line is gone."""
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.box_side.master)
        self.box_side.master = -1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.box_side.close()
        self.laptop_side.close()
