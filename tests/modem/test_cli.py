"""`edge hw modem ...`, `edge hw card read` and `edge hw status`, run as real processes."""

from __future__ import annotations

import json
import re

import pytest

from edge.i18n import is_phrase
from tests.helpers import run_edge as edge


def test_modem_status_on_the_simulator(tmp_path):
    result = edge(tmp_path, "hw", "modem", "status", "--port", "sim://", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["state"] == "ready" and report["operator"] == "IR-MCI"
    assert report["signal"]["bars"] == 4 and report["network_time"]


@pytest.mark.parametrize("fault, state", [("no_sim", "no_sim"), ("pin", "needs_pin"), ("puk", "needs_puk"),
                                          ("no_signal", "searching")])
def test_modem_status_shows_faults_in_words(tmp_path, fault, state):
    result = edge(tmp_path, "hw", "modem", "status", "--port", f"sim://?fault={fault}", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == state


def test_modem_send(tmp_path):
    result = edge(tmp_path, "hw", "modem", "send", "--port", "sim://", "--to", "09121234567",
                  "--text", "سلام " * 20, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"to": "+989121234567", "parts": 2, "references": [0, 1]}


@pytest.mark.parametrize("args, message", [
    (["--port", "sim://", "--to", "12345"], "edge: not a mobile number: 12345"),
    (["--port", "sim://?fault=no_signal", "--to", "09121234567"], "edge: cannot send: searching for the mobile network"),
    (["--port", "sim://?fault=cms&code=42", "--to", "09121234567"], "edge: the network is congested"),
    (["--port", "/dev/pishkhan-no-modem", "--to", "09121234567"], "edge: cannot use the modem port /dev/pishkhan-no-modem"),
])
def test_modem_send_failures_are_one_line(tmp_path, args, message):
    result = edge(tmp_path, "hw", "modem", "send", *args, "--text", "hi")
    assert result.returncode == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_silent_modem_is_a_one_line_failure(tmp_path):
    (tmp_path / "edge.toml").write_text("[modem]\ncommand_timeout = 0.5\n", encoding="utf-8")
    result = edge(tmp_path, "hw", "modem", "status", "--port", "sim://?fault=silence")
    assert result.returncode == 1
    assert result.stderr == "edge: the modem did not answer AT within 0.5 s\n"


def test_card_read_on_the_simulated_serial_reader(tmp_path):
    result = edge(tmp_path, "hw", "card", "read", "--reader", "sim://", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["uid"] == "04A1B2C3D4E5F6"


def test_hw_status_names_every_device(tmp_path):
    assert edge(tmp_path, "init").returncode == 0
    result = edge(tmp_path, "hw", "status", "--json")
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout)
    assert {"modem", "card", "gpio"} <= set(statuses)
    assert all(is_phrase(statuses[name]["words"]) for name in ("modem", "card", "gpio"))
    text = edge(tmp_path, "hw", "status", EDGE_LANGUAGE="en")
    assert "GSM modem: the box is not running, modem state unknown" in text.stdout
    assert "Lights and power: GPIO front panel off (gpio.enabled = false)" in text.stdout


def test_hw_status_in_persian(tmp_path):
    """The language setting is `fa` by default: device names, states and counts in
    Persian, with Persian digits; only the printer's URL stays in Latin letters."""
    assert edge(tmp_path, "init").returncode == 0
    text = edge(tmp_path, "hw", "status", EDGE_LANGUAGE="fa")
    assert text.returncode == 0, text.stderr
    lines = dict(line.split(": ", 1) for line in text.stdout.splitlines())
    assert set(lines) == {"چاپگر رسید", "مودم GSM", "کارت‌خوان", "چراغ‌ها و برق"}
    assert "۰ در انتظار، ۰ ناموفق، ۰ چاپ‌شده" in lines["چاپگر رسید"]
    # the URL, the setting to change, the names GSM and GPIO stay as they are typed
    words = text.stdout
    for typed in ("sim://", "gpio.enabled = false", "GSM", "GPIO"):
        words = words.replace(typed, "")
    assert not re.findall(r"[A-Za-z]{2,}", words), text.stdout
