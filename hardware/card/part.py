"""The card reader as a part of the box: a CardService worker, `box.parts.card_reader`."""

from __future__ import annotations

from functools import partial

from hardware.card.service import CardService


def make_service(spec: str, clock, baudrate: int = 9600) -> CardService | None:
    """The service for a card.reader setting; None for "none"."""
    spec = spec.strip()
    if spec in ("", "none"):
        return None
    closers = []
    if spec == "pcsc" or spec.startswith("pcsc:"):
        from hardware.card.pcsc import PcscWatcher
        make = partial(PcscWatcher, spec.partition(":")[2] or None)
    else:
        from hardware.card.serial_reader import SerialCardWatcher
        url = spec
        if spec.startswith("sim://"):
            from hardware.card.simulator import SerialCardSimulator
            simulator = SerialCardSimulator().start()
            closers.append(simulator.stop)
            url = simulator.port
        make = partial(SerialCardWatcher, url, baudrate=baudrate)
    service = CardService(spec, make, clock, closers=tuple(closers))
    if closers:
        service.simulator = simulator
    return service


def build(box) -> CardService | None:
    return make_service(box.settings["card.reader"], box.clock, box.settings["card.baudrate"])
