"""The console on its serial line: opened, served, and opened again when
it fails (a USB gadget unplugged, a USB-serial adapter pulled); the login
does not survive a failed line. `edge console` (appliance.cli.console)
builds the console and runs `run_console` until SIGTERM."""

from __future__ import annotations

import logging
import threading

import serial

from edge.i18n import MessageCatalogue
from provisioning.console.actions import Console
from provisioning.console.session import Session

log = logging.getLogger(__name__)

REOPEN_SECONDS = 2.0
READ_TIMEOUT = 0.2


def run_console(console: Console, url: str, baudrate: int, idle_seconds: float,
                stop: threading.Event) -> None:
    """Serve `console` on the line `url` until `stop` is set."""
    catalogue = MessageCatalogue()
    serve_until_stopped(url, baudrate, lambda port: Session(console, port.write, catalogue,
                                                            idle_seconds=idle_seconds), stop)


def serve_until_stopped(url: str, baudrate: int, new_session, stop: threading.Event) -> None:
    """Open the line, talk, and when it fails open it again. A line that stays
    away (a USB gadget unplugged for weeks) is logged once, not at every try:
    the SD card is no scratch pad for logs."""
    logged_missing = False
    while not stop.is_set():
        try:
            port = serial.serial_for_url(url, baudrate=baudrate, timeout=READ_TIMEOUT, write_timeout=5)
        except (serial.SerialException, OSError, ValueError) as error:
            if not logged_missing:
                log.warning("console: cannot open %s: %s; trying again every %gs", url, error,
                            REOPEN_SECONDS)
                logged_missing = True
            stop.wait(REOPEN_SECONDS)
            continue
        logged_missing = False
        try:
            serve_line(port, new_session(port), stop)
        finally:
            port.close()


def serve_line(port, session: Session, stop: threading.Event) -> None:
    """Talk on one open line until `stop` or the line fails."""
    try:
        session.start()
        while not stop.is_set():
            data = port.read(max(1, port.in_waiting))
            if data:
                session.feed(data)
            else:
                session.tick()
    except (serial.SerialException, OSError) as error:
        log.warning("console: the line failed (%s); reopening", error)
        session.hang_up()
