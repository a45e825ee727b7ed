"""Every device failure has one root, `DeviceError`, and the builtin that fits:
real failures of each device, caught the way the box's callers catch them."""

from __future__ import annotations

import queue
import socket
from functools import partial

import pytest

from edge.clock import SystemClock
from hardware.card.errors import CardReaderError, NoCard
from hardware.card.serial_reader import SerialCardWatcher
from hardware.card.service import CardService
from hardware.errors import DeviceError
from hardware.modem.at import ModemError, ModemTimeout
from hardware.modem.driver import Modem, PortError
from hardware.modem.outbox import RecipientError, normalize_recipient
from hardware.printer.cups import CupsError, print_pdf
from hardware.printer.transport import PrinterError, PrinterUrlError, open_printer
from hardware.pty import PtyPair


def closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def printer_url_wrong():
    open_printer("lpt://1")


def printer_out_of_reach():
    open_printer(f"tcp://127.0.0.1:{closed_loopback_port()}", timeout=1.0)


def modem_port_missing(tmp_path):
    Modem(str(tmp_path / "no-such-tty")).open()


def modem_silent():
    """A pty nobody answers on: the modem is there but says nothing."""
    pty = PtyPair()
    modem = Modem(pty.port, command_timeout=0.3)
    try:
        modem.open()
        modem.command("AT")
    finally:
        modem.close()
        pty.close()


def card_reader_missing(tmp_path):
    """The watcher reports the failure from its thread; raise it here."""
    reported = queue.Queue()
    watcher = SerialCardWatcher(str(tmp_path / "no-such-tty"), on_card=print, on_error=reported.put)
    watcher.start()
    try:
        raise reported.get(timeout=5)
    finally:
        watcher.stop()


def no_card_presented():
    pty = PtyPair()
    service = CardService(pty.port, partial(SerialCardWatcher, pty.port), SystemClock())
    service.start()
    try:
        service.wait_for_card(0.3)
    finally:
        service.stop()
        pty.close()


@pytest.mark.parametrize("fail, kinds", [
    (lambda tmp: printer_url_wrong(), (PrinterUrlError, PrinterError, ValueError, OSError)),
    (lambda tmp: printer_out_of_reach(), (PrinterError, OSError)),
    (modem_port_missing, (PortError, ModemError, OSError)),
    (lambda tmp: modem_silent(), (ModemTimeout, ModemError, TimeoutError)),
    (card_reader_missing, (CardReaderError,)),
    (lambda tmp: no_card_presented(), (NoCard, CardReaderError, TimeoutError)),
    (lambda tmp: print_pdf(tmp / "form.pdf", queue=""), (CupsError, PrinterError)),
    (lambda tmp: normalize_recipient("12"), (RecipientError, ModemError, ValueError)),
], ids=["printer-url", "printer-unreachable", "modem-port", "modem-timeout", "card-reader",
        "no-card", "cups-no-queue", "sms-recipient"])
def test_every_device_failure_is_a_device_error_and_its_builtin(tmp_path, fail, kinds):
    with pytest.raises(DeviceError) as caught:
        fail(tmp_path)
    error = caught.value
    for kind in kinds:
        assert isinstance(error, kind), kind
    assert error.message == str(error) and error.message
    assert error.code and error.code != "device_error"
    assert error.words()["fa"]


def test_words_fall_back_to_english_where_a_device_has_no_persian():
    words = PrinterError("printer not ready: paper out", "paper_out").words()
    assert words == {"en": "printer not ready: paper out", "fa": "printer not ready: paper out"}
    assert ModemError("broken", "خراب").words() == {"en": "broken", "fa": "خراب"}
