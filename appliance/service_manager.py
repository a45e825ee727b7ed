"""Telling systemd how the running box is doing (the sd_notify protocol),
with the standard library alone: one datagram to the unix socket named in
`$NOTIFY_SOCKET` per message.

    READY=1     the portal listens and the workers run (Type=notify waits for it)
    WATCHDOG=1  the main loop is still going round (WatchdogSec= expects one in time)
    STOPPING=1  a clean stop has begun

Outside systemd (no `$NOTIFY_SOCKET`) every message is dropped, so `edge run`
behaves the same at a terminal. The notifier is built from the environment
the command was given and passed to the loop; nothing is kept process-wide.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import Mapping

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceManagerNotifier:
    """Where the messages go (None: nowhere) and how often systemd expects a
    watchdog ping (None: it does not)."""

    address: str | bytes | None = None
    watchdog_seconds: float | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], pid: int) -> "ServiceManagerNotifier":
        """The notifier systemd asked for in `environ`. A name starting with
        '@' is an abstract socket (a leading NUL byte). `$WATCHDOG_PID`, when
        set, names the one process the watchdog is for: a child started with
        the same environment must not feed it."""
        return cls(_socket_address(environ.get("NOTIFY_SOCKET", "")),
                   _watchdog_seconds(environ, pid))

    @property
    def ping_interval(self) -> float | None:
        """Half the watchdog time, as sd_watchdog_enabled(3) advises: one late
        round is not yet a missed deadline."""
        return None if self.watchdog_seconds is None else self.watchdog_seconds / 2

    def ready(self) -> None:
        self._send("READY=1\nSTATUS=serving")

    def watchdog(self) -> None:
        self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._send("STOPPING=1")

    def _send(self, message: str) -> None:
        if self.address is None:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as channel:
                channel.sendto(message.encode("utf-8"), self.address)
        except OSError as error:   # systemd gone or restarting: the box keeps serving
            log.warning("cannot notify the service manager: %s", error)


def _socket_address(name: str) -> str | bytes | None:
    if not name:
        return None
    if name.startswith("@"):
        return b"\0" + name[1:].encode("utf-8")
    return name


def _watchdog_seconds(environ: Mapping[str, str], pid: int) -> float | None:
    watchdog_pid = environ.get("WATCHDOG_PID", "")
    if watchdog_pid and watchdog_pid != str(pid):
        return None
    try:
        microseconds = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return microseconds / 1_000_000 if microseconds > 0 else None
