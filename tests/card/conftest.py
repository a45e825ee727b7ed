"""A real pcscd with vsmartcard's virtual reader, and a virtual card on it.

pcscd has one socket per machine (/run/pcscd/pcscd.comm) and vpcd one port,
so the tests start pcscd only when none runs and take a lock (shared by the
pytest-xdist workers) while a virtual card is in use.
"""

from __future__ import annotations

import contextlib
import importlib.util
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hardware.card.virtual_card import VPCD_PORT, VSMARTCARD_PATH
from tests.helpers import unix_socket_answers, wait_until
from tests.system import require, require_binary

PCSCD_SOCKET = "/run/pcscd/pcscd.comm"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
WORK = Path("/tmp/pishkhan-edge-pcscd")
REPO = Path(__file__).resolve().parents[2]


def pcscd_answers() -> bool:
    return unix_socket_answers(PCSCD_SOCKET)


@contextlib.contextmanager
def machine_lock(name: str):
    WORK.mkdir(exist_ok=True)
    with open(WORK / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_pcscd() -> None:
    require(importlib.util.find_spec("smartcard") is not None,
            "pyscard (pip extra 'pcsc'; built with Debian's swig and libpcsclite-dev)")
    pcscd = require_binary("pcscd", "pcscd")
    require(os.path.exists(VPCD_DRIVER), "vpcd driver (Debian package vsmartcard-vpcd)")
    require(os.path.isdir(VSMARTCARD_PATH), "virtual smart card (Debian package python3-virtualsmartcard)")
    with machine_lock("start"):
        if pcscd_answers():
            return
        config = WORK / "reader.conf.d"
        config.mkdir(exist_ok=True)
        (config / "vpcd").write_text(
            f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{VPCD_PORT:04X}\n'
            f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{VPCD_PORT:04X}\n", encoding="ascii")
        # It puts itself in the background; --auto-exit ends it a minute after the last test used it.
        subprocess.run([pcscd, "--auto-exit", "--config", str(config)], check=True, timeout=30,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(pcscd_answers, interval=0.1, what="pcscd answering")


@pytest.fixture
def vpcd():
    """pcscd running with the virtual reader, and the reader to ourselves."""
    from hardware.card.errors import CardReaderError
    from hardware.card.pcsc import PcscReader

    def virtual_reader() -> PcscReader | None:
        ensure_pcscd()
        reader = PcscReader("Virtual PCD")
        try:
            if reader.readers():
                return reader
        except CardReaderError:   # the pcscd we saw has just auto-exited: start another
            pass
        reader.close()
        return None

    with machine_lock("vpcd"):
        with wait_until(virtual_reader, timeout=15, interval=0.2,
                        what="pcscd showing the virtual reader") as reader:
            yield reader


class VirtualCard:
    """`python -m hardware.card.virtual_card` connected to vpcd: a card on the reader."""

    def __init__(self, reader, uid: str):
        self.reader, self.uid, self.process = reader, uid, None

    def insert(self) -> None:
        environment = dict(os.environ, PYTHONPATH=str(REPO))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hardware.card.virtual_card", "--uid", self.uid, "--port", str(VPCD_PORT)],
            cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait(present=True)

    def remove(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=5)
            self.process.stderr.close()
            self.process = None
            self._wait(present=False)

    def _wait(self, present: bool) -> None:
        name = self.reader.reader_name()

        def settled() -> bool:
            if self.process is not None and self.process.poll() is not None:
                pytest.fail("virtual card stopped: " + self.process.stderr.read().decode()[-500:])
            return self.reader.card_present(name) == present
        wait_until(settled, interval=0.05, what=f"the card {'inserted' if present else 'removed'}")


@pytest.fixture
def virtual_card(vpcd):
    cards = []

    def make(uid: str = "04A1B2C3D4E5F6") -> VirtualCard:
        card = VirtualCard(vpcd, uid)
        cards.append(card)
        return card

    yield make
    for card in cards:
        card.remove()
