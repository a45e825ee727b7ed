"""The modem's tests; `fit_modem` gives any test's box its modem part."""

from __future__ import annotations

from edge.parts import Parts
from hardware.modem import part as modem_part


def fit_modem(box, port: str = "sim://", **settings):
    """The box with its modem part, built from its settings (worker not started)."""
    box.settings = box.settings.replace(modem_port=port, modem_command_timeout=1.0, **settings)
    part = modem_part.build(box)
    box.fit(Parts(modem=part, workers=part.workers, intake_hooks=part.intake_hooks,
                  status_hooks=part.status_hooks))
    return part
