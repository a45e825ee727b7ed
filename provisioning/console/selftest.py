"""The technician's self-test: a test receipt, the modem's registration and
signal, the card reader and the front panel, each checked for real and
reported in words. One device failing never stops the others' checks."""

from __future__ import annotations

import logging
from typing import Any, Callable

from edge.i18n import ENGLISH, is_phrase

log = logging.getLogger(__name__)

CARD_WAIT_SECONDS = 3.0


def run_selftest(box) -> dict[str, Any]:
    checks = [_check(name, check, box) for name, check in
              (("printer", _printer), ("modem", _modem), ("card", _card), ("gpio", _gpio))]
    return {"ok": all(c["ok"] for c in checks), "checks": checks}


def _check(name: str, check: Callable[[Any], tuple[bool, str]], box) -> dict[str, Any]:
    try:
        ok, detail = check(box)
    except Exception as error:   # the report names what broke; the other checks go on
        log.exception("self-test of %s failed", name)
        ok, detail = False, f"{error.__class__.__name__}: {error}"
    return {"name": name, "ok": ok, "detail": detail}


def _printer(box) -> tuple[bool, str]:
    from hardware.printer.transport import PrinterError
    from hardware.printer.worker import print_test_page
    url = box.settings["printer.url"]
    try:
        answer, _ = print_test_page(url, box.settings, box.home)
    except PrinterError as error:
        return False, f"test receipt not printed on {url}: {error}"
    return True, f"test receipt printed on {url} (printer: {answer.state})"


def _modem(box) -> tuple[bool, str]:
    from hardware.modem.driver import Modem, ModemState, state_words
    url = box.settings["modem.port"]
    if url.strip() in ("", "none"):
        return True, "no modem configured (modem.port = none)"
    simulator = None
    if url.startswith("sim://"):
        from hardware.modem.simulator import from_url
        simulator = from_url(url).start()
    modem = Modem(simulator.port if simulator else url, pin=box.settings["modem.pin"] or None,
                  baudrate=box.settings["modem.baudrate"],
                  command_timeout=box.settings["modem.command_timeout"])
    try:
        state = modem.start()
        signal = modem.info.signal
        words = state_words(state)["en"]
        if signal is not None:
            words += f"; signal {signal.words()['en']}"
        if modem.info.operator:
            words += f"; operator {modem.info.operator}"
        for label, command in (("IMEI", "AT+CGSN"), ("ICCID", "AT+CCID")):
            words += f"; {label} {_answer_of(modem, command)}"
        return state == ModemState.READY, words
    finally:
        modem.close()
        if simulator is not None:
            simulator.stop()


def _answer_of(modem, command: str) -> str:
    """The value a modem gives for an identity question (`+CCID: 8998...`), or unknown."""
    response = modem.command(command)
    if not response.ok or not response.lines:
        return "unknown"
    return response.lines[0].split(":", 1)[-1].strip()[:32] or "unknown"


def _card(box) -> tuple[bool, str]:
    from hardware.card.reading import read_once
    from hardware.card.errors import CardReaderError, NoCard
    spec = box.settings["card.reader"]
    if spec.strip() in ("", "none"):
        return True, "no card reader configured (card.reader = none)"
    try:
        read = read_once(spec, CARD_WAIT_SECONDS, box.settings["card.baudrate"])
    except NoCard:
        return True, f"card reader {spec} answers; no card was presented"
    except CardReaderError as error:
        return False, error.message
    return True, f"card reader {spec} read card {read['uid']}"


def _gpio(box) -> tuple[bool, str]:
    from hardware import gpio
    status = gpio.status(box)
    words = status.get("words")
    return bool(status.get("ok")), ENGLISH.say(words) if is_phrase(words) else status.get("state", "")
