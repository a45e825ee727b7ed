"""A free loopback port, for everything that starts a server in tests and
benchmarks (the tests reach it through `tests.helpers`)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
