"""`edge console --port URL`: the provisioning console on the box's serial line.

Runs until SIGTERM, as its own systemd unit (pishkhan-edge-console.service).
The console is given its boxes from the assembly: the box of the data folder,
and a brand new one after a factory reset."""

from __future__ import annotations

import signal
import threading

import click

from appliance import assembly
from appliance.cli.context import CliContext, global_options


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
@global_options()
@click.pass_obj
def console(obj: CliContext, url: str, baudrate: int, idle_logout: float, reboot_command: str,
            clock_command: str, journal_command: str) -> None:
    """The provisioning console on the box's serial line."""
    # Imported here, not with the command group: `edge run` never uses the
    # console, and its modules are ~4 MB of the running box's memory.
    from provisioning.console.actions import Boxes, Console, command_hooks
    from provisioning.console.line import run_console
    from provisioning.console.throttle import LoginDelay
    home = obj.home
    boxes = Boxes(open=lambda: assembly.open_box(home), make_new=lambda: assembly.init_box(home)[0],
                  declared=assembly.SETTINGS)
    service = Console(boxes, command_hooks(reboot_command, clock_command, journal_command),
                      LoginDelay())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run_console(service, url, baudrate, idle_logout, stop)
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
