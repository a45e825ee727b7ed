"""The simulated printer on a wire: behind a pty (the serial case, as the box
opens /dev/ttyUSB0) or on a loopback TCP port (a network printer's 9100).
Each is a thread that moves bytes between the wire and a PrinterSimulator."""

from __future__ import annotations

import os
import select
import socket
import threading

from hardware.printer.sim.device import PrinterSimulator
from hardware.pty import PtyPair


class _Server:
    """A thread that moves bytes between a wire and a PrinterSimulator."""

    def __init__(self, simulator: PrinterSimulator):
        self.simulator = simulator
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "_Server":
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=type(self).__name__)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        raise NotImplementedError   # each wire has its own loop

    def _close(self) -> None:
        pass


class PtyPrinter(_Server):
    """The simulator behind a pseudo-terminal: `port` is the serial device
    the box opens (as it would open /dev/ttyUSB0)."""

    def __init__(self, simulator: PrinterSimulator):
        super().__init__(simulator)
        self._pty = PtyPair()
        self._master, self.port = self._pty.master, self._pty.port

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:  # the box closed its end; wait for it to reopen
                self._stop.wait(0.05)
                continue
            answer = self.simulator.feed(data)
            if answer:
                os.write(self._master, answer)

    def _close(self) -> None:
        self._pty.close()


class TcpPrinter(_Server):
    """The simulator listening on a loopback TCP port, like a network
    printer's raw port 9100. One connection at a time, as printers do."""

    def __init__(self, simulator: PrinterSimulator, host: str = "127.0.0.1", port: int = 0):
        super().__init__(simulator)
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.05)
        self.host, self.port = self._listener.getsockname()[:2]

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                self._serve(connection)

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(0.05)
        while not self._stop.is_set():
            try:
                data = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            answer = self.simulator.feed(data)
            if answer:
                connection.sendall(answer)

    def _close(self) -> None:
        self._listener.close()
