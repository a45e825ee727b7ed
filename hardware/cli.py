"""`edge hw ...`: status of and tools for the attached devices."""

from __future__ import annotations

import click


@click.group("hw")
def hw() -> None:
    """Hardware: printer, modem, card reader, GPIO."""
