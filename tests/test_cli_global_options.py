"""The CLI's contract: `--home DIR` (and `--json` where a command has it)
work before or after the subcommand, for every command of the tree.

Each leaf command of `edge` runs twice as a real process, once as
`edge --home D [--json] GROUP CMD ARGS` and once as `edge GROUP CMD ARGS
--home D [--json]`, and must end the same way (exit status; for commands
that only read, the same output). A new command without a case here fails.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from appliance.assembly import init_box
from appliance.cli import cli
from tests.helpers import EDGE

UNKNOWN_CODE = "AB12-CD34-E5"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...] = ()
    folder: str = "initialised"      # or "missing" (never set up), "broken" (a bad edge.toml)
    reads: bool = True               # reads only: both ways share one folder, same output
    stdin: str | None = None
    exit_status: int = 0


CASES = {
    ("init",): Case(folder="missing", reads=False),
    ("run",): Case(folder="missing", exit_status=1),             # says which folder is not set up
    ("check",): Case(),
    ("backup",): Case(reads=False),
    ("demo",): Case(folder="broken", exit_status=2),             # else: a demo in a temporary folder
    ("user", "add"): Case(("maryam", "--role", "operator", "--password-stdin"), reads=False,
                          stdin="a long password\n"),
    ("user", "passwd"): Case(("nobody", "--password-stdin"), stdin="a long password\n",
                             exit_status=1),
    ("user", "pin"): Case(("nobody", "--pin-stdin"), stdin="1234\n", exit_status=1),
    ("user", "disable"): Case(("nobody",), exit_status=1),
    ("user", "enable"): Case(("nobody",), exit_status=1),
    ("user", "list"): Case(),
    ("hw", "status"): Case(),
    ("hw", "print-test"): Case(("--printer", "sim://"), reads=False),
    ("hw", "print-receipt"): Case((UNKNOWN_CODE, "--printer", "sim://"), exit_status=1),
    ("hw", "print-form"): Case((UNKNOWN_CODE,), exit_status=1),
    ("hw", "modem", "status"): Case(("--port", "none"), exit_status=1),
    ("hw", "modem", "send"): Case(("--to", "not-a-number", "--text", "x"), exit_status=1),
    ("hw", "card", "read"): Case(("--reader", "sim://", "--timeout", "5")),
    ("enroll",): Case(("--gateway", "http://127.0.0.1:9", "--token", "t"), exit_status=1),
    ("sync", "now"): Case(exit_status=1),                         # not enrolled
    ("sync", "status"): Case(),
    ("export-outbox",): Case(("stick",), exit_status=1),                # not enrolled
    ("import-bundle",): Case((__file__,), exit_status=1),               # not enrolled
    ("confidential", "rotate-key"): Case(reads=False),
    ("retention", "run"): Case(("--dry-run",)),
    ("console",): Case(("--port", "loop://"), folder="missing", exit_status=1),   # says which folder
}


def leaf_commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


LEAVES = dict(leaf_commands(cli))


def test_every_command_has_a_case():
    assert set(LEAVES) == set(CASES)


def has_json(command: click.Command) -> bool:
    return any("--json" in option.opts for option in command.params)


def prepared(folder: Path, kind: str) -> Path:
    if kind == "initialised":
        box, _ = init_box(folder)
        box.close()
    elif kind == "broken":
        folder.mkdir(parents=True)
        (folder / "edge.toml").write_text("[http]\nport = \"eighty\"\n", encoding="utf-8")
    return folder


def edge(argv: list[str], stdin: str | None) -> subprocess.CompletedProcess:
    return subprocess.run([EDGE, *argv], input=stdin, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", sorted(CASES), ids=" ".join)
def test_global_options_before_or_after_the_command(path, tmp_path):
    case = CASES[path]
    flags = ["--json"] if has_json(LEAVES[path]) else []
    shared = prepared(tmp_path / "shared", case.folder) if case.reads else None
    before_home = shared or prepared(tmp_path / "before", case.folder)
    after_home = shared or prepared(tmp_path / "after", case.folder)
    for extra in ([], flags) if flags else ([],):
        before = edge(["--home", str(before_home), *extra, *path, *case.args], case.stdin)
        after = edge([*path, *case.args, "--home", str(after_home), *extra], case.stdin)
        for result in (before, after):
            assert result.returncode == case.exit_status, result.stderr
            assert "No such option" not in result.stderr and "Traceback" not in result.stderr
        if case.reads:
            assert (before.stdout, before.stderr) == (after.stdout, after.stderr)
    if case.folder == "missing" and not case.reads:
        assert (before_home / "edge.db").exists() and (after_home / "edge.db").exists()
    if case.folder == "missing" and case.exit_status:
        assert str(after_home) in after.stderr     # the folder given after the command was used
