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

import logging
import os
import select
import socket
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from hardware.printer import escpos

log = logging.getLogger(__name__)

SCHEMES = ("serial", "usb", "tcp", "file", "sim")


class PrinterError(OSError):
    """The printer cannot be reached or written to; the message says why in words."""


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
    from hardware.printer.simulator import SimState
    try:
        return SimState.from_words(parse_qs(query).get("state", [""])[0])
    except ValueError as error:
        raise PrinterUrlError(f"printer URL {url!r}: {error}") from None


def open_printer(url: str, *, sim_dir: Path | None = None, timeout: float = 5.0) -> Connection:
    """Open the printer at `url`. Raises PrinterError with the reason in words."""
    parts = _scheme_and_rest(validate_url(url))
    try:
        if parts.scheme == "serial":
            return SerialConnection(url, parts.path, _serial_options(parts.query, url), timeout)
        if parts.scheme == "usb":
            return DeviceConnection(url, parts.path)
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
            if not value.isdigit() or int(value) not in (2400, 4800, 9600, 19200, 38400,
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
        try:
            self._port = serial.serial_for_url(port, timeout=0, write_timeout=timeout,
                                               **options)
        except serial.SerialException as error:
            raise PrinterError(f"cannot open printer {url}: {error}") from None

    def write(self, data: bytes) -> None:
        import serial
        try:
            self._port.write(data)
            self._port.flush()
        except serial.SerialException as error:  # includes write timeouts
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
    """A device file: written with os.write, read with select."""
    can_read = False

    def __init__(self, url: str, fd: int):
        self.url, self._fd = url, fd

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as error:
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
    bulk-in endpoint, so DLE EOT works where the printer answers."""

    def __init__(self, url: str, path: str):
        try:
            fd, can_read = os.open(path, os.O_RDWR | os.O_NOCTTY), True
        except PermissionError:
            raise
        except OSError:
            fd, can_read = os.open(path, os.O_WRONLY | os.O_NOCTTY), False
        super().__init__(url, fd)
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
        from hardware.printer.simulator import PrinterSimulator, SimState
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


def query_status(connection: Connection, timeout: float = 0.5) -> escpos.PrinterStatus:
    """Ask DLE EOT 1, 2, 3 and 4 and parse the answers. A printer that does not
    answer the first question within `timeout` is not asked the rest."""
    if not connection.can_read:
        return escpos.PrinterStatus()
    answers: dict[int, bytes] = {}
    for which in escpos.STATUS_QUERIES:
        connection.write(escpos.status_query(which))
        answers[which] = connection.read(1, timeout)
        if not answers[which]:
            break
    return escpos.parse_status(answers)
