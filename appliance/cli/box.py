"""`edge init|run|check|backup|demo`: the box's own commands."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import closing
from pathlib import Path

import click

from appliance.cli.context import CliContext, EdgeCommandError, global_options


@click.command()
@global_options()
@click.pass_obj
def init(obj: CliContext) -> None:
    """Create the data folder, settings file, database and device keys."""
    with obj.init_box() as (box, made):
        device = box.keys.device_id
    for path in made:
        click.echo(f"made {path}")
    click.echo(f"box {device} ready in {obj.home}; add accounts with: edge user add NAME --role operator")


@click.command()
@click.option("--host", default=None, help="Address to listen on (setting http.host).")
@click.option("--port", type=int, default=None, help="Port to listen on (setting http.port).")
@global_options()
@click.pass_obj
def run(obj: CliContext, host: str | None, port: int | None) -> None:
    """Serve the portal and API, with the sync agent and hardware workers."""
    from appliance.server import run_until_signalled
    from appliance.service_manager import ServiceManagerNotifier
    notifier = ServiceManagerNotifier.from_environment(os.environ, os.getpid())
    with obj.open_box(with_parts=True) as box:
        settings = box.settings
        logging.getLogger().setLevel(settings["log.level"])
        server = _listen(box, host or settings["http.host"], port or settings["http.port"],
                         settings["http.threads"])
        run_until_signalled([server], on_ready=lambda: click.echo(f"serving on {server.url}"),
                            notifier=notifier, healthy=server.serving)


def _listen(box, host: str, port: int, threads: int):
    from appliance.server import BoxServer
    try:
        return BoxServer(box, host, port, threads)
    except OSError as error:
        raise EdgeCommandError(f"cannot listen on {host}:{port}: {error.strerror}") from None


@click.command()
@global_options(with_json=True)
@click.pass_obj
def check(obj: CliContext) -> None:
    """Check the database's integrity and the audit chain."""
    from edge.check import check_box
    with obj.open_box() as box:
        report = check_box(box.store)
    if obj.as_json:
        click.echo(json.dumps({"ok": report.ok, "integrity_problems": report.integrity_problems,
                               "audit_entries": report.audit_entries,
                               "first_broken_entry": report.first_broken_entry,
                               "audit_problem": report.audit_problem}))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        sys.exit(1)


@click.command()
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the copy (default HOME/backups/edge-DATE.db).")
@global_options()
@click.pass_obj
def backup(obj: CliContext, target: Path | None) -> None:
    """Write a consistent copy of the database."""
    from edge.backup import backup_database, default_target
    with obj.open_box() as box:
        written = backup_database(box.store.path, target or default_target(obj.home, box.clock.now()))
    click.echo(f"backup written to {written}")


@click.command()
@click.option("--host", default="127.0.0.1", help="Address of the demo box.")
@click.option("--port", type=int, default=8080, help="Port of the demo box.")
@global_options()
@click.pass_obj
def demo(obj: CliContext, host: str, port: int) -> None:
    """A demo box with the demo catalogue and accounts; Ctrl-C stops it."""
    from appliance.assembly import build_parts
    from appliance.demo import (
        DemoFolder,
        enroll_demo_box,
        pause_on_signal,
        prepare_demo_box,
        start_gateway,
        with_simulated_hardware,
    )
    from appliance.server import run_until_signalled
    with DemoFolder(obj.home if obj.home_given else None) as home:
        box, credentials = prepare_demo_box(home)
        with closing(box):   # closed however the demo ends
            logging.getLogger().setLevel(box.settings["log.level"])
            box.settings = with_simulated_hardware(box.settings)
            gateway = start_gateway(home / "gateway", box.settings["office.code"],
                                    box.settings["office.name"],
                                    port=box.settings["sync.demo_gateway_port"])
            enroll_demo_box(box, gateway)
            box.fit(build_parts(box))
            server = _listen(box, host, port, box.settings["http.threads"])

            def announce() -> None:
                click.echo(f"Pishkhan Edge demo: data folder {home}")
                click.echo(f"  portal  {server.url}/login")
                click.echo(f"  gateway {gateway.url}/v1/feed  (Authorization: Bearer {gateway.api_key})")
                click.echo(f"          {pause_on_signal(gateway)}")
                for username, password in credentials.items():
                    click.echo(f"  login   {username} / {password}")
                click.echo("  Ctrl-C stops the demo")

            run_until_signalled([gateway, server], on_ready=announce)


COMMANDS = (init, run, check, backup, demo)
