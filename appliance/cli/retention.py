"""`edge retention run [--dry-run]`: purge the personal fields that are due."""

from __future__ import annotations

import json

import click

from appliance.cli.context import CliContext, global_options


@click.group()
def retention() -> None:
    """Citizens' personal fields kept only as long as needed (setting retention.days)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count the intakes that are due; purge nothing.")
@global_options(with_json=True)
@click.pass_obj
def run(obj: CliContext, dry_run: bool) -> None:
    """Purge the personal fields of finished intakes the centre holds, older than retention.days."""
    from edge.retention.purge import purge
    with obj.open_box() as box:
        report = purge(box, dry_run=dry_run)
    if obj.as_json:
        click.echo(json.dumps({**report.as_dict(), "dry_run": dry_run}))
    elif dry_run:
        click.echo(f"{report.due} intakes older than {report.days} days are due; nothing purged")
    else:
        click.echo(f"purged the personal fields of {report.purged} intakes older than "
                   f"{report.days} days")
