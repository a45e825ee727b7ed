"""The technician's visit over a cable: `edge console` on the box's end,
`edge-provision` on the laptop's, a real gateway on loopback."""

from __future__ import annotations

import json

import pytest

from edge import settings as settings_module
from gateway.app import create_app
from gateway.server import ServerThread
from gateway.service import init_home
from tests.provisioning.conftest import provision

OFFICE = "KHR-0042"


@pytest.fixture
def gateway(tmp_path):
    made = init_home(tmp_path / "gateway", None)
    made.add_office(OFFICE, "دفتر پیشخوان خیرآباد")
    server = ServerThread(create_app(made))
    made.url = server.url
    yield made
    server.stop()
    made.close()


def write_profile(path, gateway, token: str):
    path.write_text(f"""
selftest = true

[settings]
office.name = "دفتر پیشخوان خیرآباد"
http.port = 8090

[enroll]
gateway = "{gateway.url}"
token = "{token}"
""", encoding="utf-8")
    return path


def test_a_profile_applied_twice_configures_enrols_and_tests_the_box_once(
        console_process, cable, box_home, gateway, tmp_path):
    profile = write_profile(tmp_path / "khr.toml", gateway, gateway.issue_token(OFFICE))

    first = provision(cable, "apply", str(profile), "--json")

    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["ok"] and report["failed"] is None
    steps = {step["step"]: step["result"] for step in report["steps"]}
    assert steps["settings"]["changed"] == ["http.port", "office.name"]
    assert steps["enroll"]["changed"] and steps["enroll"]["office"] == OFFICE
    assert {c["name"]: c["ok"] for c in steps["selftest"]["checks"]} == {
        "printer": True, "modem": True, "card": True, "gpio": True}
    modem = next(c for c in steps["selftest"]["checks"] if c["name"] == "modem")
    assert "IMEI 356938035643809" in modem["detail"] and "signal" in modem["detail"]
    assert "[1/3] settings: changed http.port, office.name" in first.stderr
    assert "[3/3] selftest: printer ok; modem ok; card ok; gpio ok" in first.stderr
    written = settings_module.file_values(box_home)
    assert written["office.name"] == "دفتر پیشخوان خیرآباد" and written["http.port"] == 8090
    assert (box_home / "printer-sim" / "latest.png").exists()   # the test receipt was printed
    assert [d["office"] for d in gateway.devices()] == [OFFICE]
    settings_file = (box_home / "edge.toml").read_bytes()

    second = provision(cable, "apply", str(profile), "--json")

    assert second.returncode == 0, second.stderr
    again = {step["step"]: step["result"] for step in json.loads(second.stdout)["steps"]}
    assert again["settings"]["changed"] == [] and not again["enroll"]["changed"]
    assert "[1/3] settings: unchanged" in second.stderr
    assert "[2/3] enroll: unchanged (Enrolled with" in second.stderr
    assert (box_home / "edge.toml").read_bytes() == settings_file
    assert len(gateway.devices()) == 1


def test_status_shows_identity_through_kernel_messages_and_line_noise(console_process, cable):
    cable.inject(b"\x00\xff\xfe garbage \x1b[31m\r\n[   12.345678] usb 1-1: new device\r\n")
    cable.inject(b"\xc3\x28 more noise without an end", to_box=False)

    done = provision(cable, "status", "--json")

    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert len(status["device_id"]) == 32 and status["enrolled"] is False
    assert status["version"] and status["devices"]["printer"]


def test_a_failing_step_says_why_and_leaves_the_box_as_it_was(console_process, cable, box_home,
                                                             gateway, tmp_path):
    before = (box_home / "edge.toml").read_bytes()
    profile = tmp_path / "bad.toml"
    profile.write_text('[settings]\noffice.name = "ok"\nhttp.port = "eighty"\n'
                       f'[enroll]\ngateway = "{gateway.url}"\ntoken = "not-a-token"\n', encoding="utf-8")

    done = provision(cable, "apply", str(profile))

    assert done.returncode == 1
    assert "[1/3] settings: FAILED: http.port must be a whole number from 1 to 65535" in done.stderr
    assert (box_home / "edge.toml").read_bytes() == before   # not even office.name was written
    assert gateway.devices() == []

    enrol = provision(cable, "enroll", "--gateway", gateway.url, "--token", "not-a-token")

    assert enrol.returncode == 1 and "enroll: FAILED: Enrolment failed" in enrol.stderr


def test_a_wrong_password_is_refused_in_one_line_in_persian_first(console_process, cable):
    persian = provision(cable, "status", password="not the password", lang="fa")
    english = provision(cable, "status", password="not the password")

    assert persian.returncode == english.returncode == 1
    assert persian.stderr.strip() == "edge-provision: نام کاربری یا گذرواژه درست نیست، یا این حساب فنی نیست."
    assert english.stderr.strip() == "edge-provision: Wrong username or password, or not a technician."


def test_without_a_console_on_the_line_the_tool_says_so(cable):
    done = provision(cable, "status", timeout=60)

    assert done.returncode == 1 and "no answer from the console" in done.stderr


def test_a_bad_profile_stops_before_the_box_is_touched(cable, tmp_path):
    profile = tmp_path / "typo.toml"
    profile.write_text("[setings]\noffice.name = 'x'\n", encoding="utf-8")

    done = provision(cable, "apply", str(profile))

    assert done.returncode == 2 and "unknown entries setings" in done.stderr
