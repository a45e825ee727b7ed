"""`edge confidential rotate-key`: a new key for confidential services' fields."""

from __future__ import annotations

import click

from appliance.cli.context import CliContext, global_options


@click.group()
def confidential() -> None:
    """Confidential services' encrypted fields."""


@confidential.command("rotate-key")
@global_options()
@click.pass_obj
def rotate_key(obj: CliContext) -> None:
    """Make a new key, encrypt every confidential intake again under it, drop the old one."""
    with obj.open_box() as box:
        rows = box.confidential.rotate()
        active = box.confidential.keyring.active
    click.echo(f"confidential key {active} in use; {rows} intakes encrypted again")
