"""`edge hw ...`: status of and tools for the attached devices."""

from __future__ import annotations

import json
from types import SimpleNamespace

import click


@click.group("hw")
def hw() -> None:
    """Hardware: printer, modem, card reader, GPIO."""


@hw.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def hw_status(obj, as_json: bool) -> None:
    """Each device's state in words (as the running box last saw it)."""
    from hardware.status import device_statuses
    box = _box_or_folder(obj)
    try:
        statuses = device_statuses(box)
    finally:
        if hasattr(box, "close"):
            box.close()
    if as_json:
        click.echo(json.dumps(statuses, ensure_ascii=False))
        return
    for name, status in statuses.items():
        click.echo(f"{name}: {status['words']['en']}")


def _box_or_folder(obj):
    """The box when the data folder is set up; else just its folder and settings."""
    from edge.box import BoxNotReady
    try:
        return obj.box()
    except BoxNotReady:
        return SimpleNamespace(home=obj.home, settings=obj.settings())


def _register() -> None:
    from hardware.card.cli import card_group
    from hardware.modem.cli import modem_group
    hw.add_command(modem_group)
    hw.add_command(card_group)


_register()
