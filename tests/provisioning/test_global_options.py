"""`edge-provision` keeps the CLI contract: its global options (`--port`,
`--user`, `--password-stdin`, `--lang`, `--timeout`, `--json` ...) work
before or after the subcommand. Every subcommand runs both ways as a real
process against `edge console` on a pty and must end the same way."""

from __future__ import annotations

import json
import subprocess

from provisioning.tool.cli import cli
from tests.provisioning.conftest import EDGE_PROVISION, provision

SUBCOMMAND_ARGS = {
    "status": lambda profile: (),
    "apply": lambda profile: (str(profile),),
    "selftest": lambda profile: (),
    "enroll": lambda profile: ("--gateway", "http://127.0.0.1:9", "--token", "not-a-token"),
}
EXIT_STATUS = {"status": 0, "apply": 0, "selftest": 0, "enroll": 1}


def test_every_subcommand_has_a_case():
    assert set(cli.commands) == set(SUBCOMMAND_ARGS)


def outcome(done: subprocess.CompletedProcess) -> tuple:
    """What must not depend on where the options were typed: the exit status
    and the JSON report's shape (the box's clock moves between the runs)."""
    report = json.loads(done.stdout) if done.stdout else {}
    return done.returncode, sorted(report), report.get("ok"), report.get("tag")


def test_every_subcommand_takes_its_global_options_before_or_after_it(
        console_process, cable, tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text('[settings]\noffice.name = "دفتر پیشخوان"\n', encoding="utf-8")
    for name, args in SUBCOMMAND_ARGS.items():
        before = provision(cable, "--json", name, *args(profile))
        after = provision(cable, name, *args(profile), "--json", global_options_after=True)

        assert before.returncode == EXIT_STATUS[name], (name, before.stderr)
        assert outcome(before) == outcome(after), (name, before.stderr, after.stderr)
        assert before.stdout.startswith("{"), (name, before.stdout)


def test_a_missing_port_is_one_clear_line_whichever_the_subcommand(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text("selftest = true\n", encoding="utf-8")
    for name, args in SUBCOMMAND_ARGS.items():
        done = subprocess.run([EDGE_PROVISION, name, *args(profile), "--user", "reza"],
                              capture_output=True, text=True, timeout=60)

        assert done.returncode == 2, (name, done.stderr)
        assert done.stderr.startswith("edge-provision: ") and "--port URL" in done.stderr, done.stderr
