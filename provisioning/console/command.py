"""`edge console --port URL`: the provisioning console on the box's serial line.

Runs until SIGTERM (its own systemd unit). A line that fails (a USB gadget
unplugged, a USB-serial adapter pulled) is reopened after a pause; the
login does not survive it."""

from __future__ import annotations

import logging
import signal
import threading

import click
import serial

from edge.box import init_box   # the composition root's; moves with the `edge` command
from provisioning.console.actions import Boxes, Console, command_hooks
from provisioning.console.session import Session
from provisioning.console.texts import load_persian
from provisioning.console.throttle import LoginDelay

log = logging.getLogger(__name__)

REOPEN_SECONDS = 2.0
READ_TIMEOUT = 0.2


@click.command("console")
@click.option("--port", "url", required=True, metavar="URL",
              help="Serial line: /dev/serial0, /dev/ttyGS0 (USB gadget), /dev/pts/N, socket://...")
@click.option("--baudrate", type=int, default=115200, show_default=True)
@click.option("--idle-logout", type=float, default=300.0, show_default=True,
              help="Seconds of a quiet line before the login ends.")
@click.option("--reboot-command", default="systemctl reboot", show_default=True)
@click.option("--clock-command", default="date --utc --set=@{epoch}", show_default=True,
              help="Sets the system clock; {iso} and {epoch} are filled in.")
@click.option("--journal-command", default="journalctl -u pishkhan-edge -n {lines} --no-pager -o short-iso",
              show_default=True, help="Recent log lines ({lines}); skipped where it is not installed.")
@click.pass_obj
def console(obj, url: str, baudrate: int, idle_logout: float, reboot_command: str,
            clock_command: str, journal_command: str) -> None:
    """The provisioning console on the box's serial line."""
    hooks = command_hooks(reboot_command, clock_command, journal_command)
    service = Console(Boxes(open=obj.box, make_new=lambda: init_box(obj.home)[0]), hooks, LoginDelay())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    persian = load_persian()
    try:
        serve_until_stopped(url, baudrate, lambda port: Session(service, port.write, persian,
                                                                idle_seconds=idle_logout), stop)
    except KeyboardInterrupt:
        pass
    finally:
        service.close()


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
