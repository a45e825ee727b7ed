"""Printer URLs opened as thin byte connections: write(), read(), close().

    serial:///dev/ttyUSB0?baudrate=19200   pyserial (serial_for_url)
    usb:///dev/usb/lp0                     the kernel's usblp device file
    tcp://HOST:9100                        a network printer's raw port
    file:///PATH                           bytes appended to a file
    sim://[?state=paper-out]               the in-process simulator

No protocol here: ESC/POS lives in escpos.py and the status exchange in
`query_status`, which only needs write() and read().
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from edge.digits import is_ascii_number
from hardware.errors import DeviceError
from hardware.printer import escpos

log = logging.getLogger(__name__)

SCHEMES = ("serial", "usb", "tcp", "file", "sim")


class PrinterError(DeviceError, OSError):
    """The printer cannot be reached or written to; the message says why in
    words, `code` says it for a program (see escpos.STATE_CODES; the Persian
    words are queue.STATE_FA's)."""

    def __init__(self, message: str, code: str = "unreachable"):
        super().__init__(message, code=code)


class PrinterUrlError(PrinterError, ValueError):
    """A printer URL that does not name a printer."""


class Connection(Protocol):
    url: str
    can_read: bool

    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes: ...

    def close(self) -> None: ...


def _scheme_and_rest(url: str):
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise PrinterUrlError(f"printer URL {url!r}: use serial://, usb://, tcp://, "
                              "file:// or sim://")
    return parts


def validate_url(url: str) -> str:
    """The URL if it names a printer, else PrinterUrlError (for settings)."""
    parts = _scheme_and_rest(url)
    if parts.scheme in ("serial", "usb", "file") and not parts.path:
        raise PrinterUrlError(f"printer URL {url!r} has no device or file path")
    if parts.scheme == "tcp":
        try:
            port = parts.port
        except ValueError:
            raise PrinterUrlError(f"printer URL {url!r}: bad port") from None
        if not parts.hostname:
            raise PrinterUrlError(f"printer URL {url!r} has no host")
        del port
    if parts.scheme == "serial":
        _serial_options(parts.query, url)
    if parts.scheme == "sim":
        _sim_state(parts.query, url)
    return url


def _sim_state(query: str, url: str):
    from hardware.printer.sim.device import SimState
    try:
        return SimState.from_words(parse_qs(query).get("state", [""])[0])
    except ValueError as error:
        raise PrinterUrlError(f"printer URL {url!r}: {error}") from None


SIM_FOLDER = "printer-sim"


def sim_dir(home: Path) -> Path:
    """Where a box's simulated printer keeps its receipts (bytes and PNG previews)."""
    return Path(home) / SIM_FOLDER


def open_printer(url: str, *, sim_dir: Path | None = None, timeout: float = 5.0) -> Connection:
    """Open the printer at `url`. Raises PrinterError with the reason in words."""
    parts = _scheme_and_rest(validate_url(url))
    try:
        if parts.scheme == "serial":
            return SerialConnection(url, parts.path, _serial_options(parts.query, url), timeout)
        if parts.scheme == "usb":
            return DeviceConnection(url, parts.path, max(timeout, 10.0))
        if parts.scheme == "file":
            return FileConnection(url, parts.path)
        if parts.scheme == "tcp":
            return TcpConnection(url, parts.hostname, parts.port or 9100, timeout)
    except PrinterError:
        raise
    except OSError as error:
        raise PrinterError(f"cannot open printer {url}: {error.strerror or error}") from None
    return SimConnection(url, sim_dir, _sim_state(parts.query, url))


def _serial_options(query: str, url: str) -> dict:
    options = {"baudrate": 19200, "rtscts": False, "dsrdtr": False}
    for key, values in parse_qs(query).items():
        value = values[-1]
        if key == "baudrate":
            if not is_ascii_number(value) or int(value) not in (2400, 4800, 9600, 19200, 38400,
                                                          57600, 115200):
                raise PrinterUrlError(f"printer URL {url!r}: baudrate {value!r} is not "
                                      "one of 2400 ... 115200")
            options["baudrate"] = int(value)
        elif key in ("rtscts", "dsrdtr"):
            options[key] = value.lower() in ("1", "true", "yes", "on")
        else:
            raise PrinterUrlError(f"printer URL {url!r}: unknown option {key!r} "
                                  "(baudrate, rtscts, dsrdtr)")
    return options


class SerialConnection:
    can_read = True

    def __init__(self, url: str, port: str, options: dict, timeout: float):
        import serial
        self.url = url
        self._timeout = timeout
        self._baudrate = options["baudrate"]
        try:
            self._port = serial.serial_for_url(port, timeout=0, write_timeout=timeout,
                                               **options)
        except serial.SerialException as error:
            raise PrinterError(f"cannot open printer {url}: {error}") from None

    def write(self, data: bytes) -> None:
        import serial
        # pyserial's write timeout covers the whole write: allow the time the
        # bytes take on the line (10 bits a byte) with room to spare, so a
        # 17 KB receipt at 9600 baud is not cut off, but a printer holding
        # CTS low (paper out, with rtscts) does not hang the worker.
        self._port.write_timeout = self._timeout + 1.5 * len(data) * 10 / self._baudrate
        try:
            self._port.write(data)
            self._port.flush()
        except serial.SerialTimeoutException:
            raise PrinterError(f"printer {self.url} stopped taking data "
                               "(paper out, offline or flow control stuck)", "stalled") from None
        except serial.SerialException as error:
            raise PrinterError(f"writing to printer {self.url} failed: {error}") from None

    def read(self, size: int, timeout: float) -> bytes:
        import serial
        deadline = time.monotonic() + timeout
        data = b""
        try:
            while len(data) < size and time.monotonic() < deadline:
                chunk = self._port.read(size - len(data))
                if chunk:
                    data += chunk
                else:
                    time.sleep(0.005)
        except serial.SerialException as error:
            raise PrinterError(f"reading from printer {self.url} failed: {error}") from None
        return data

    def close(self) -> None:
        self._port.close()


class _FdConnection:
    """A device file, non-blocking so a printer that stops taking data (the
    usblp driver waits for one that is out of paper) cannot hang the worker."""
    can_read = False

    def __init__(self, url: str, fd: int, timeout: float = 10.0):
        self.url, self._fd, self._timeout = url, fd, timeout

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + self._timeout
        try:
            while view:
                try:
                    written = os.write(self._fd, view)
                except BlockingIOError:
                    written = 0
                if written:
                    view = view[written:]
                    deadline = time.monotonic() + self._timeout   # it is moving
                    continue
                if time.monotonic() > deadline:
                    raise PrinterError(f"printer {self.url} stopped taking data "
                                       "(paper out or offline?)", "stalled")
                select.select([], [self._fd], [], 0.1)
        except OSError as error:
            if isinstance(error, PrinterError):
                raise
            raise PrinterError(f"writing to printer {self.url} failed: "
                               f"{error.strerror or error}") from None

    def read(self, size: int, timeout: float) -> bytes:
        if not self.can_read:
            return b""
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self._fd, size)
        except OSError:
            return b""

    def close(self) -> None:
        os.close(self._fd)


class DeviceConnection(_FdConnection):
    """usb:///dev/usb/lp0: the usblp driver passes reads to the printer's
    bulk-in endpoint, so DLE EOT works where the printer answers. A device
    that cannot be opened for reading is written to blind."""

    def __init__(self, url: str, path: str, timeout: float = 10.0):
        flags = os.O_NOCTTY | os.O_NONBLOCK
        try:
            fd, can_read = os.open(path, os.O_RDWR | flags), True
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EINVAL, errno.EPERM):
                raise
            fd, can_read = os.open(path, os.O_WRONLY | flags), False
        super().__init__(url, fd, timeout)
        self.can_read = can_read


class FileConnection(_FdConnection):
    """file:///PATH: each print appended; nothing ever answers."""

    def __init__(self, url: str, path: str):
        super().__init__(url, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))

    def close(self) -> None:
        os.fsync(self._fd)
        super().close()


class TcpConnection:
    can_read = True

    def __init__(self, url: str, host: str, port: int, timeout: float):
        self.url = url
        try:
            self._socket = socket.create_connection((host, port), timeout=timeout)
        except OSError as error:
            raise PrinterError(f"cannot reach printer {url}: "
                               f"{error.strerror or error}") from None

    def write(self, data: bytes) -> None:
        try:
            self._socket.sendall(data)
        except OSError as error:
            raise PrinterError(f"sending to printer {self.url} failed: "
                               f"{error.strerror or error}") from None

    def read(self, size: int, timeout: float) -> bytes:
        self._socket.settimeout(timeout)
        try:
            return self._socket.recv(size)
        except (TimeoutError, OSError):
            return b""

    def close(self) -> None:
        self._socket.close()


class SimConnection:
    """sim://: the simulator in this process, keeping its receipts (bytes
    and PNG previews) in `sim_dir`."""
    can_read = True

    def __init__(self, url: str, sim_dir: Path | None, state=None):
        from hardware.printer.sim.device import PrinterSimulator, SimState
        state = state or SimState()
        self.url = url
        self.simulator = PrinterSimulator(sim_dir, state)
        self._answers = bytearray()

    def write(self, data: bytes) -> None:
        self._answers += self.simulator.feed(data)

    def read(self, size: int, timeout: float) -> bytes:
        data = bytes(self._answers[:size])
        del self._answers[:size]
        return data

    def close(self) -> None:
        pass


def drain(connection: Connection, quiet: float = 0.05, limit: int = 4096) -> bytes:
    """Read and drop what the printer sent unasked. Printers process DLE EOT
    even inside image data, so a raster that happens to hold the bytes
    10 04 0n makes the printer answer; those bytes must not be taken for the
    answer to the next question."""
    dropped = b""
    while len(dropped) < limit:
        chunk = connection.read(256, quiet)
        if not chunk:
            break
        dropped += chunk
    if dropped:
        log.debug("dropped %d unasked bytes from %s", len(dropped), connection.url)
    return dropped


def query_status(connection: Connection, timeout: float = 0.5) -> escpos.PrinterStatus:
    """Ask DLE EOT 1, 2, 3 and 4 and parse the answers. A printer that does not
    answer the first question within `timeout` is not asked the rest."""
    if not connection.can_read:
        return escpos.PrinterStatus()
    drain(connection)
    answers: dict[int, bytes] = {}
    for which in escpos.STATUS_QUERIES:
        connection.write(escpos.status_query(which))
        answers[which] = connection.read(1, timeout)
        if not answers[which]:
            break
    return escpos.parse_status(answers)
