"""The `edge` command, run as a real process."""

from __future__ import annotations

import json
import sqlite3

import pytest

from edge import passwords
from tests.helpers import run_edge as edge


@pytest.fixture
def initialised(tmp_path):
    home = tmp_path / "box"
    result = edge(home, "init")
    assert result.returncode == 0, result.stderr
    return home


def test_init_makes_folder_database_keys_and_is_safe_to_repeat(initialised):
    assert (initialised / "edge.db").exists() and (initialised / "edge.toml").exists()
    key = initialised / "keys" / "device_ed25519.pem"
    assert key.stat().st_mode & 0o077 == 0
    before = key.read_bytes()
    again = edge(initialised, "init")
    assert again.returncode == 0 and key.read_bytes() == before


def test_user_add_reads_one_line_from_stdin(initialised):
    result = edge(initialised, "user", "add", "maryam", "--role", "supervisor",
                  "--password-stdin", stdin="a long password\n")
    assert result.returncode == 0, result.stderr
    again = edge(initialised, "user", "add", "maryam", "--role", "operator",
                 "--password-stdin", stdin="a long password\n")
    assert again.returncode == 1
    assert again.stderr == "edge: A user with this name already exists.\n"


def test_user_add_without_terminal_or_stdin_says_what_to_do(initialised):
    result = edge(initialised, "user", "add", "reza", "--role", "operator", stdin="")
    assert result.returncode == 1
    assert "--password-stdin" in result.stderr and "Traceback" not in result.stderr
    short = edge(initialised, "user", "add", "reza", "--role", "operator", "--password-stdin",
                 stdin="short\n")
    assert short.returncode == 1 and "at least 8" in short.stderr


def test_user_passwd_disable_enable_and_list(initialised):
    for name, role in (("maryam", "supervisor"), ("ali", "operator")):
        assert edge(initialised, "user", "add", name, "--role", role, "--password-stdin",
                    stdin="a long password\n").returncode == 0
    changed = edge(initialised, "user", "passwd", "ali", "--password-stdin",
                   stdin="another long one\n")
    assert changed.returncode == 0, changed.stderr
    assert edge(initialised, "user", "disable", "maryam").returncode == 0
    listed = edge(initialised, "user", "list", "--json")
    assert json.loads(listed.stdout) == {"users": [
        {"username": "ali", "role": "operator", "active": True, "full_name": "ali",
         "card": False},
        {"username": "maryam", "role": "supervisor", "active": False, "full_name": "maryam",
         "card": False}]}
    assert edge(initialised, "user", "enable", "maryam").returncode == 0
    lines = edge(initialised, "user", "list").stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [["ali", "operator", "active"],
                                                    ["maryam", "supervisor", "active"]]
    with sqlite3.connect(initialised / "edge.db") as db:
        [(password_hash,)] = db.execute("SELECT password_hash FROM users WHERE username='ali'")
    assert passwords.verify_password(password_hash, "another long one")


def test_user_pin_sets_the_card_pin_hashed(initialised):
    assert edge(initialised, "user", "add", "ali", "--role", "operator", "--password-stdin",
                stdin="a long password\n").returncode == 0
    short = edge(initialised, "user", "pin", "ali", "--pin-stdin", stdin="12\n")
    assert short.returncode == 1 and short.stderr == "edge: A PIN is 4 to 6 digits.\n"
    assert edge(initialised, "user", "pin", "ali", stdin="").stderr.endswith("--pin-stdin\n")
    done = edge(initialised, "user", "pin", "ali", "--pin-stdin", stdin="۴۸۲۹\n")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(initialised / "edge.db") as db:
        [(pin_hash,)] = db.execute("SELECT pin_hash FROM users WHERE username='ali'")
    assert passwords.verify_password(pin_hash, "4829")


def test_user_commands_on_an_unknown_user_say_so_in_one_line(initialised):
    for args in (("passwd", "nobody", "--password-stdin"), ("disable", "nobody")):
        result = edge(initialised, "user", *args, stdin="a long password\n")
        assert result.returncode == 1
        assert result.stderr == "edge: There is no user named 'nobody'.\n"


def test_commands_on_a_missing_folder_fail_with_one_line(tmp_path):
    result = edge(tmp_path / "nowhere", "check")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.rstrip().endswith(" init")


def test_bad_setting_stops_start_up_with_one_line(initialised):
    (initialised / "edge.toml").write_text("[http]\nport = 0\n")
    result = edge(initialised, "run")
    assert result.returncode == 2
    assert result.stderr == ("edge: setting http.port (from edge.toml): must be a whole number "
                             "from 1 to 65535, got 0\n")


def test_check_finds_the_first_tampered_audit_entry(initialised):
    for name in ("one", "two", "three"):
        assert edge(initialised, "user", "add", name + "x", "--role", "operator",
                    "--password-stdin", stdin="a long password\n").returncode == 0
    healthy = edge(initialised, "check")
    assert healthy.returncode == 0 and "audit chain: ok" in healthy.stdout
    with sqlite3.connect(initialised / "edge.db") as db:
        db.execute("UPDATE audit_entry SET actor = 'someone else' WHERE id = 3")
    broken = edge(initialised, "check", "--json")
    assert broken.returncode == 1
    assert '"first_broken_entry": 3' in broken.stdout


def test_check_finds_a_deleted_audit_entry(initialised):
    edge(initialised, "user", "add", "onex", "--role", "operator", "--password-stdin",
         stdin="a long password\n")
    with sqlite3.connect(initialised / "edge.db") as db:
        db.execute("DELETE FROM audit_entry WHERE id = 1")
    broken = edge(initialised, "check")
    assert broken.returncode == 1 and "broken at entry 2: entry 1 is missing" in broken.stdout


def test_backup_is_a_complete_consistent_copy(initialised, tmp_path):
    edge(initialised, "user", "add", "copyme", "--role", "operator", "--password-stdin",
         stdin="a long password\n")
    target = tmp_path / "copies" / "box.db"
    result = edge(initialised, "backup", "--to", str(target))
    assert result.returncode == 0, result.stderr
    assert not target.with_name("box.db.partial").exists()
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT username FROM users").fetchall() == [("copyme",)]
