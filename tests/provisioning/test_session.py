"""The console's session on a real box folder, fed bytes as the line brings them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from edge.jalali import MONTHS_FA
from provisioning.console import framing
from appliance.assembly import SETTINGS, init_box, open_box
from provisioning.console.actions import EVENT_TYPE, Boxes, Console, Hooks, Refused, command_hooks
from provisioning.console.session import Session
from edge.i18n import MessageCatalogue
from provisioning.console.throttle import LoginDelay
from tests.provisioning.conftest import PASSWORD, TECHNICIAN


class Line:
    """The console's session with what it wrote back, and the hooks it called."""

    def __init__(self, home, lang_setting: str = "fa"):
        self.reboots, self.clock_set = [], []
        self.now = 1000.0
        hooks = Hooks(reboot=lambda: self.reboots.append(True),
                      set_system_clock=self.clock_set.append, journal=lambda lines: ["journal line"])
        boxes = Boxes(open=lambda: open_box(home), make_new=lambda: init_box(home)[0],
                      declared=SETTINGS)
        self.console = Console(boxes, hooks, LoginDelay(now=lambda: self.now))
        self.out = bytearray()
        self.session = Session(self.console, self.out.extend, MessageCatalogue(), idle_seconds=60,
                               now=lambda: self.now)
        self.seq = 100

    def type(self, keys: str | bytes) -> str:
        self.out.clear()
        self.session.feed(keys.encode("utf-8") if isinstance(keys, str) else keys)
        return self.out.decode("utf-8", "replace")

    def ask(self, op: str, seq: int | None = None, **args) -> dict:
        if seq is None:
            self.seq += 1
            seq = self.seq
        self.out.clear()
        self.session.feed(framing.encode({"seq": seq, "op": op, "args": args}))
        answers = [framing.decode(line) for line in bytes(self.out).split(b"\n") if line]
        assert len(answers) == 1 and answers[0]["re"] == seq, bytes(self.out)
        return answers[0]

    def machine_login(self) -> None:
        assert self.ask("hello", lang="en")["ok"]
        assert self.ask("login", user=TECHNICIAN, password=PASSWORD)["ok"]

    def close(self):
        self.console.close()


@pytest.fixture
def line(box_home):
    made = Line(box_home)
    yield made
    made.close()


def console_actions(line: Line) -> list[str]:
    audit = line.console.box.store.models.AuditEntry
    return [entry.action for entry in audit.select().where(audit.action.startswith("console."))
            .order_by(audit.id)]


# --- machine mode ---------------------------------------------------------------

def test_a_request_asked_again_gets_the_same_answer_and_is_not_done_twice(line):
    line.machine_login()
    first = line.ask("settings_set", seq=500, values={"office.name": "دفتر یک"})
    line.out.clear()
    line.session.feed(framing.encode({"seq": 500, "op": "settings_set",
                                      "args": {"values": {"office.name": "دفتر یک"}}}))

    assert framing.decode(bytes(line.out).rstrip(b"\n")) == first
    assert first["result"] == {"changed": ["office.name"]}
    assert console_actions(line).count("console.settings_committed") == 1


def test_every_console_action_is_audited_and_queued_for_the_centre(line):
    line.machine_login()
    line.ask("identify")
    line.ask("selftest")

    assert console_actions(line) == ["console.login", "console.identify", "console.selftest"]
    records = line.console.box.store.models.OutboxRecord
    queued = records.select().where(records.event_type == EVENT_TYPE).count()
    assert queued == 3


def test_requests_before_login_are_refused_and_noise_gets_no_answer(line):
    assert line.ask("hello")["ok"]

    refused = line.ask("identify")
    noise = line.type(b"\x00\xffnot a frame\r\n[  1.0] kernel\n{\"seq\":1}\n")

    assert refused["error"]["code"] == "auth.required" and noise == ""


def test_guessing_passwords_is_slowed_down(line):
    line.ask("hello", lang="en")
    for _ in range(3):
        assert line.ask("login", user=TECHNICIAN, password="guess")["error"]["code"] == "auth.bad_credentials"

    first_wait = line.ask("login", user=TECHNICIAN, password=PASSWORD)
    line.now += 2
    line.ask("login", user=TECHNICIAN, password="guess")
    second_wait = line.ask("login", user=TECHNICIAN, password=PASSWORD)
    line.now += 4
    later = line.ask("login", user=TECHNICIAN, password=PASSWORD)

    assert "wait 2 seconds" in first_wait["error"]["message"]
    assert second_wait["error"]["code"] == "auth.throttled" and "wait 4 seconds" in second_wait["error"]["message"]
    assert later["ok"]
    assert console_actions(line).count("console.login_failed") == 4


def test_an_operator_account_cannot_use_the_console(line):
    line.ask("hello", lang="en")

    assert line.ask("login", user="ali", password=PASSWORD)["error"]["code"] == "auth.bad_credentials"


def test_a_settings_commit_is_all_or_nothing_and_never_leaves_a_half_file(line, box_home, monkeypatch):
    line.machine_login()
    before = (box_home / "edge.toml").read_bytes()

    bad = line.ask("settings_set", values={"office.name": "x", "http.port": 0})
    commands = line.ask("settings_set", values={"gpio.shutdown_command": "sh -c evil"})
    import os
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left")))
    cut = line.ask("settings_set", values={"office.name": "x"})

    assert bad["error"]["code"] == "setting.invalid" and "http.port" in bad["error"]["message"]
    assert commands["error"]["code"] == "setting.not_here"
    assert cut["error"]["code"] == "setting.not_written" and "No space left" in cut["error"]["message"]
    assert (box_home / "edge.toml").read_bytes() == before
    assert sorted(p.name for p in box_home.iterdir() if "partial" in p.name) == []


def test_a_factory_reset_refuses_while_records_wait_unless_forced_twice(line, box_home):
    with line.console.box.store.write():
        line.console.box.events.record("ali", "intake.created", "X", {}, event_type="intake",
                                       payload={"tracking_code": "X"})
    (box_home / "backups").mkdir()
    (box_home / "backups" / "edge-20261204.db").write_bytes(b"records")
    line.machine_login()
    old_device = line.console.box.keys.device_id
    tag = line.console.box.keys.tag

    wrong_tag = line.ask("factory_reset", confirm="NOTTAG")
    unforced = line.ask("factory_reset", confirm=tag)
    wrong_count = line.ask("factory_reset", confirm=tag, lose_unsent=5)
    done = line.ask("factory_reset", confirm=tag.lower(), lose_unsent=1)

    assert wrong_tag["error"]["code"] == "reset.confirm"
    assert unforced["error"]["code"] == "reset.unsent" and wrong_count["error"]["code"] == "reset.unsent"
    assert done["result"]["previous_device_id"] == old_device
    assert done["result"]["device_id"] == line.console.box.keys.device_id != old_device
    assert console_actions(line) == ["console.factory_reset"]        # a fresh box's first event
    assert line.console.box.store.models.User.select().count() == 0      # the accounts went with the data
    assert not (box_home / "backups").exists() and line.reboots == [True]


def test_the_clock_takes_only_plausible_times_with_a_zone(line):
    line.machine_login()

    modem_reset = line.ask("clock_set", at="1980-01-06T00:00:00+00:00")
    no_zone = line.ask("clock_set", at="2026-12-04T10:30:00")
    good = line.ask("clock_set", at="2026-12-04T10:30:00+03:30")

    assert modem_reset["error"]["code"] == "clock.implausible" and no_zone["error"]["code"] == "clock.zone"
    assert good["result"]["clock"] == "2026-12-04T07:00:00+00:00"
    assert [at.isoformat() for at in line.clock_set] == ["2026-12-04T10:30:00+03:30"]


def test_a_reboot_is_audited_before_the_hook_runs(line):
    line.machine_login()

    assert line.ask("reboot")["ok"] and line.reboots == [True]
    assert console_actions(line)[-1] == "console.reboot"


# --- human mode -----------------------------------------------------------------------

def human_login(line: Line) -> None:
    line.type("login\r")
    line.type(f"{TECHNICIAN}\r")
    assert "reza@" in line.type(f"{PASSWORD}\r")


def test_a_person_logs_in_without_the_password_echoed_and_edits_the_line(line):
    line.session.start()
    greeting = line.out.decode()

    assert "type 'lang en' for English" in greeting and "کنسول پیشخوان" in greeting
    assert line.type("l") == "l"
    line.type("ogin\r")
    line.type(f"{TECHNICIAN}\r")

    typed = line.type(f"{PASSWORD}\r")
    edited = line.type("iz\x7fd\r")   # a typo, erased with backspace

    assert PASSWORD not in typed and "با نام reza وارد شدید." in typed
    assert "\b \b" in edited and "device_id" in edited
    assert any(month in edited for month in MONTHS_FA)   # the clock as a Jalali date


def test_ctrl_c_drops_a_question_being_asked(line):
    line.type("login\r")
    line.type("\x03")

    assert "اول وارد شوید" in line.type("show\r")


def test_arrow_keys_are_not_typed_and_a_broken_escape_does_not_eat_enter(line):
    assert line.type("\x1b[Ahelp\x1b[D\r").startswith("help\r\n")
    assert "login" in line.type("\x1b\rhelp\r")


def test_before_login_only_the_menu_and_login_are_open(line):
    menu = line.type("help\r")
    refused = line.type("show\r")

    assert "factory reset" in menu or "بازنشانی کارخانه" in menu
    assert "اول وارد شوید" in refused


def test_english_mode_is_plain_ascii_even_for_persian_values(line):
    human_login(line)
    line.type("lang en\r")

    shown = line.type("show\r")

    assert shown.isascii() and "office.name" in shown and "\\u062f" in shown


def test_settings_are_staged_then_committed_together(line, box_home):
    human_login(line)
    line.type("set office.code KHR-0042\r")
    line.type("set http.port 8090\r")
    staged_only = (box_home / "edge.toml").read_text()

    line.type("commit\r")

    assert "KHR-0042" not in staged_only
    text = (box_home / "edge.toml").read_text()
    assert 'code = "KHR-0042"' in text and "port = 8090" in text


def test_a_factory_reset_needs_the_tag_typed(line):
    human_login(line)
    device = line.console.box.keys.device_id

    line.type("reset\r")
    wrong = line.type("WRONG\r")
    line.type("reset\r")
    right = line.type(f"{line.console.box.keys.tag}\r")

    assert "تأیید نشد" in wrong
    assert line.console.box.keys.device_id != device and "بازنشانی انجام شد" in right
    assert line.session.user is None


def test_a_quiet_line_logs_the_person_out(line):
    human_login(line)
    line.now += 61
    line.out.clear()
    line.session.tick()

    assert line.session.user is None and "خارج شدید" in line.out.decode()


def test_the_hooks_run_their_commands_and_a_failing_one_is_refused_in_words(tmp_path):
    stamp = tmp_path / "clock"
    hooks = command_hooks("false", f"sh -c 'echo {{epoch}} {{iso}} > {stamp}'", "")

    hooks.set_system_clock(datetime(2026, 12, 4, 7, 0, tzinfo=timezone.utc))

    assert stamp.read_text().split() == ["1796367600", "2026-12-04T07:00:00+00:00"]
    assert hooks.journal(5) == []
    with pytest.raises(Refused, match="false failed"):
        hooks.reboot()
    with pytest.raises(Refused, match="no-such-reboot failed"):
        command_hooks("no-such-reboot", "", "").reboot()


def test_a_second_tool_on_the_line_ends_the_first_ones_login(line):
    line.machine_login()
    line.ask("hello", seq=5000)     # another tool starts its own conversation

    assert line.ask("identify")["error"]["code"] == "auth.required"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=80), max_size=6))
def test_any_bytes_at_the_human_prompt_get_words_or_nothing_never_a_crash(line, chunks):
    for chunk in chunks:
        line.type(chunk)

    assert line.session.user is None
    line.type(b"\x03help\r")
    assert "login" in line.out.decode("utf-8", "replace")
