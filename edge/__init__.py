"""Pishkhan Edge: the box's store, domain rules and the `edge` command."""

__version__ = "0.1.0"
