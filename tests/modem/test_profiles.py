"""Real modems' quirks, one simulator profile each, over a real pty: through
the CLI as a technician runs it, and through the driver for the details."""

from __future__ import annotations

import json
import time

import pytest

from hardware.modem import at, pdu
from hardware.modem.driver import Modem, ModemState
from hardware.modem.simulator import PROFILES, ModemSimulator
from tests.helpers import run_edge

QUIRKY = [name for name in PROFILES if name != "standard"]


def edge(home, *args):
    # Short timeouts: the wrong-speed modem is first asked at the configured speed.
    (home / "edge.toml").write_text("[modem]\ncommand_timeout = 1.0\nsend_timeout = 5.0\n", encoding="utf-8")
    return run_edge(home, *args)


@pytest.fixture(params=QUIRKY)
def quirky(request):
    simulator = ModemSimulator(profile=request.param).start()
    yield simulator
    simulator.stop()


@pytest.mark.parametrize("profile", QUIRKY)
def test_status_on_every_modem(tmp_path, profile):
    result = edge(tmp_path, "hw", "modem", "status", "--port", f"sim://?profile={profile}", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["state"], report["operator"], report["signal"]["bars"]) == ("ready", "IR-MCI", 4)
    assert report["model"] == PROFILES[profile].model.strip()
    assert report["baudrate"] == (PROFILES[profile].baudrate or 115200)


def test_send_on_every_modem_hands_over_the_exact_pdus(tmp_path, quirky):
    text = "کد رهگیری شما ۱۲۳۴ است. " * 4          # Persian, two parts
    result = edge(tmp_path, "hw", "modem", "send", "--port", quirky.port, "--to", "09121234567",
                  "--text", text, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"to": "+989121234567", "parts": 2, "references": [0, 1]}
    assert [(sms.recipient, sms.concat.sequence) for sms in quirky.sent] == [("+989121234567", 1),
                                                                          ("+989121234567", 2)]
    assert "".join(sms.text for sms in quirky.sent) == text
    expected = pdu.encode_submit("+989121234567", text, reference=0, status_report=True)
    for part in expected:
        assert f"AT+CMGS={part.length}\r".encode() + part.hex.encode() + b"\x1a" in quirky.received


def test_wrong_speed_is_named_in_words(tmp_path):
    result = edge(tmp_path, "hw", "modem", "status", "--port", "sim://?profile=baud9600")
    assert result.returncode == 0, result.stderr
    assert "speed: it answers at 9600 baud, not the configured 115200: set modem.baudrate = 9600" in result.stdout


def modem_for(sim: ModemSimulator, **options) -> Modem:
    options.setdefault("command_timeout", 1.0)
    return Modem(sim.port, **options)


def test_wavecom_cpin_without_ok_and_busy_after_cfun():
    with ModemSimulator(profile="wavecom") as sim:
        modem = modem_for(sim)
        try:
            started = time.monotonic()
            assert modem.start() is ModemState.READY
            assert time.monotonic() - started < 4      # not the 5 s a missing OK used to cost
            assert sim.commands[:4] == ["AT"] * 4        # busy three times, then OK
            answer = modem.command("AT+CPIN?")
            assert answer.ok and answer.final_implied and answer.values() == ["READY"]
            assert modem.checked("AT+CFUN=1").ok
            assert modem.checked("AT+CSQ").values() == ["21,99"]   # asked again through 515
            assert sim.commands[-4:] == ["AT+CSQ"] * 4
        finally:
            modem.close()


def test_busy_for_longer_than_the_patience_is_an_error_in_words():
    with ModemSimulator(profile="wavecom") as sim:
        modem = modem_for(sim, busy_seconds=0)
        try:
            with pytest.raises(at.ModemError) as caught:
                modem.start()
            assert caught.value.code == "cme_515"
            assert caught.value.message_fa == "مودم هنوز در حال راه‌اندازی است؛ دوباره امتحان کنید"
        finally:
            modem.close()


def test_wavecom_pin_is_entered_though_no_ok_follows_cpin():
    with ModemSimulator(profile="wavecom", fault="pin", pin="4321") as sim:
        modem = modem_for(sim, pin="4321")
        try:
            assert modem.start() is ModemState.READY
            assert 'AT+CPIN="4321"' in sim.commands
        finally:
            modem.close()


def test_huawei_chatter_is_kept_apart_and_unsupported_commands_are_in_words():
    with ModemSimulator(profile="huawei") as sim:
        modem = modem_for(sim)
        try:
            assert modem.start() is ModemState.READY
            assert {urc.name for urc in modem.take_urcs()} == {"^RSSI", "^BOOT", "^MODE"}
            error = modem.command("AT+WIND?").error
            assert (error.code, error.permanent, error.message) == (
                "not_supported", True, "the modem does not have this command")
            commands = modem.checked("AT+CLAC").lines
            assert commands[:3] == ["+CGMI", "+CGMM", "+CGSN"] and "+CMGS" in commands
            assert not any(line.startswith("^") or "\r" in line for line in commands)
        finally:
            modem.close()


def test_qualcomm_sim_busy_is_waited_out():
    with ModemSimulator(profile="qualcomm") as sim:
        modem = modem_for(sim)
        try:
            assert modem.start() is ModemState.READY
            assert sim.commands.count("AT+CPIN?") == 3      # +CME ERROR: 14 twice, then READY
        finally:
            modem.close()


@pytest.mark.parametrize("profile", ["sim800", "ec25"])
def test_boot_lines_are_recorded_not_mistaken_for_answers(profile):
    with ModemSimulator(profile=profile) as sim:
        modem = modem_for(sim)
        try:
            assert modem.start() is ModemState.READY
            assert [urc.line for urc in modem.take_urcs()] == list(PROFILES[profile].boot_urcs)
            assert modem.info.model == PROFILES[profile].model
        finally:
            modem.close()


def test_the_speed_found_is_kept_for_the_next_start():
    with ModemSimulator(profile="baud9600") as sim:
        modem = modem_for(sim, command_timeout=0.5)
        try:
            assert modem.start() is ModemState.READY
            assert (modem.speed, modem.baudrate) == (9600, 115200)
            modem.close()
            heard = len(sim.commands)
            assert modem.start() is ModemState.READY
            assert sim.commands[heard] == "AT"          # understood at once: no noise, no search
        finally:
            modem.close()


def test_unknown_profile_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown modem profile 'nokia'; one of standard, wavecom"):
        ModemSimulator(profile="nokia")
