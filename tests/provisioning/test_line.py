"""The console process on a bad line: a person at a terminal, lost answers."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager

import pytest
import serial

from provisioning.console import framing
from provisioning.tool.link import ConsoleLink, Refusal
from tests.helpers import wait_until
from tests.provisioning.conftest import PASSWORD, TECHNICIAN


def read_until(port, wanted: bytes) -> bytes:
    seen = bytearray()

    def arrived() -> bool:
        seen.extend(port.read(max(1, port.in_waiting)))
        return wanted in seen
    wait_until(arrived, what=f"{wanted!r} on the terminal")
    return bytes(seen)


def audited(home, action: str) -> int:
    with sqlite3.connect(f"file:{home / 'edge.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM audit_entry WHERE action = ?", (action,)).fetchone()[0]


@contextmanager
def technician_link(cable):
    """The tool's end of the cable, logged in: (link, what hello said)."""
    link = ConsoleLink.open(cable.laptop_port, timeout=2)
    try:
        hello = link.hello("en")
        link.request("login", {"user": TECHNICIAN, "password": PASSWORD})
        yield link, hello
    finally:
        link.close()


def test_a_person_at_a_terminal_logs_in_and_identifies_the_box(console_process, cable):
    terminal = serial.serial_for_url(cable.laptop_port, timeout=0.1)
    try:
        terminal.write(b"\r")                         # a person presses Enter to wake it
        read_until(terminal, b"> ")
        terminal.write(b"login\r")
        read_until(terminal, "نام کاربری:".encode())
        terminal.write(f"{TECHNICIAN}\r".encode())
        read_until(terminal, "گذرواژه:".encode())
        terminal.write(f"{PASSWORD}\r".encode())
        logged_in = read_until(terminal, b"reza@")
        terminal.write(b"lang en\rix\x7fd\r")         # a typo, erased
        shown = read_until(terminal, b"exchange_key")
    finally:
        terminal.close()

    assert PASSWORD.encode() not in logged_in
    assert b"device_id" in shown and b"\b \b" in shown


def test_an_answer_lost_on_the_line_is_asked_again_and_the_work_done_once(console_process, cable,
                                                                          box_home):
    with technician_link(cable) as (link, _):
        heard = len(cable.heard_from_box)
        cable.drop_from_box = 10**9                   # the cable loses everything the box says
        request = framing.encode({"seq": 900, "op": "settings_set",
                                  "args": {"values": {"office.code": "KHR-0042"}}})
        link.port.write(request)
        wait_until(lambda: b'"re":900' in cable.heard_from_box[heard:], what="the lost answer")
        cable.drop_from_box = 0

        link.port.write(request)                      # the tool asks again, same seq
        answer = link._answer_to(900, 10)

    assert answer["ok"] and answer["result"] == {"changed": ["office.code"]}
    assert audited(box_home, "console.settings_committed") == 1


def test_a_cable_pulled_mid_conversation_logs_out_and_the_console_lives_on(console_process, cable,
                                                                           tmp_path):
    with technician_link(cable) as (link, _):
        link.port.write(framing.encode({"seq": 7, "op": "identify"})[:20])   # half a request

    cable.pull()
    time.sleep(4.5)   # two tries to open the line again

    assert console_process.process.poll() is None
    log = (tmp_path / "console.log").read_text()
    assert "the line failed" in log and log.count("cannot open") == 1   # said once, not every try


def test_a_factory_reset_over_the_line_makes_a_new_box_and_restarts_it(console_process, cable,
                                                                       box_home):
    with technician_link(cable) as (link, old):
        reset = link.request("factory_reset", {"confirm": old["tag"]})
        new = link.hello("en")
        with pytest.raises(Refusal) as login_after:
            link.request("login", {"user": TECHNICIAN, "password": PASSWORD})

    assert reset["previous_device_id"] == old["device_id"] != reset["device_id"] == new["device_id"]
    assert console_process.reboots.read_text() == "rebooted\n"
    assert login_after.value.code == "auth.bad_credentials"   # the accounts went with the data
    assert audited(box_home, "console.factory_reset") == 1 and audited(box_home, "user.added") == 0
