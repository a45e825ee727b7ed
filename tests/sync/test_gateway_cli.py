"""`edge-gateway` as an operator runs it: real processes, one-line errors."""

from __future__ import annotations

import json
import subprocess

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from gateway.errors import GatewayError
from wire.errors import ProtocolError
from tests.helpers import EDGE_GATEWAY
from tests.sync.conftest import REPO, gateway_command
from tests.sync.test_gateway import BUNDLE


def run(home, *args):
    return subprocess.run(gateway_command(home, *args), capture_output=True, text=True, timeout=60)


def test_gateway_admin_commands(tmp_path):
    home = tmp_path / "gw"
    assert run(home, "init").returncode == 0
    assert run(home, "office", "add", "KHR-0042", "--name", "خیرآباد").returncode == 0
    again = run(home, "office", "add", "KHR-0042", "--name", "x")
    assert again.returncode == 1 and again.stderr == "edge-gateway: office KHR-0042 exists already\n"
    token = run(home, "token", "issue", "KHR-0042")
    assert token.returncode == 0 and token.stdout.count("\n") == 1 and len(token.stdout) > 20
    key = run(home, "apikey", "issue", "central")
    assert key.returncode == 0 and key.stdout.startswith("pk_")
    bundle = tmp_path / "bundle.toml"
    bundle.write_text(BUNDLE, encoding="utf-8")
    assert run(home, "publish", str(bundle)).stdout == "bundle version 1 published\n"
    bundle.write_text("version = 1\n" + BUNDLE, encoding="utf-8")
    stale = run(home, "publish", str(bundle))
    assert stale.returncode == 1 and "must rise" in stale.stderr
    bundle.write_text("[[services]\n", encoding="utf-8")
    broken = run(home, "publish", str(bundle))
    assert broken.returncode == 1 and broken.stderr.startswith("edge-gateway: cannot read bundle")
    assert "Traceback" not in broken.stderr
    devices = run(home, "devices", "--json")
    assert devices.returncode == 0 and json.loads(devices.stdout) == {"devices": []}
    uninitialised = run(tmp_path / "nothing", "devices")
    assert uninitialised.returncode == 1 and "edge-gateway init" in uninitialised.stderr


def placed(placement: str, global_args: list[str], command: list[str]) -> list[str]:
    """The command line with the global options before or after the subcommand."""
    if placement == "before":
        return [EDGE_GATEWAY, *global_args, *command]
    return [EDGE_GATEWAY, *command, *global_args]


@pytest.mark.parametrize("placement", ["before", "after"])
def test_every_command_takes_home_db_and_json_before_or_after_it(tmp_path, placement):
    home, database = tmp_path / "gw", tmp_path / "elsewhere.sqlite3"
    global_args = ["--home", str(home), "--db", f"sqlite:///{database}", "--json"]
    bundle = tmp_path / "bundle.toml"
    bundle.write_text(BUNDLE, encoding="utf-8")

    def run_json(*command: str) -> dict:
        done = subprocess.run(placed(placement, global_args, list(command)), capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert run_json("init") == {"home": str(home.resolve())}
    assert database.exists()
    assert run_json("office", "add", "KHR-0042", "--name", "خیرآباد") == {
        "office": "KHR-0042", "name": "خیرآباد"}
    issued = run_json("token", "issue", "KHR-0042", "--hours", "2")
    assert issued["office"] == "KHR-0042" and len(issued["token"]) > 20
    assert run_json("apikey", "issue", "central")["key"].startswith("pk_")
    assert run_json("publish", str(bundle)) == {"version": 1}
    assert run_json("devices") == {"devices": []}
    (tmp_path / "stick").mkdir()
    assert run_json("import", str(tmp_path / "stick")) == {"batches": 0}
    exported = subprocess.run(placed(placement, global_args, ["export-bundle", "no-such-device", "b.json"]),
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert exported.returncode == 1 and "not enrolled" in exported.stderr
    with subprocess.Popen(placed(placement, global_args, ["serve", "--port", "0"]),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          cwd=REPO) as serving:
        try:
            url = json.loads(serving.stdout.readline())["url"]
            assert requests.get(url + "/v1/health", timeout=5).json()["status"] == "ok"
        finally:
            serving.terminate()
    # the database named by --db is the one every command used
    assert not (home / "gateway.sqlite3").exists()


@settings(max_examples=150, deadline=None,   # a real database on a shared CPU: time is not the point
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_ingest_of_any_bytes_is_a_clean_refusal(gateway, data):
    try:
        gateway.ingest(data)
    except (GatewayError, ProtocolError):
        pass
    assert gateway.feed(0, 10)["records"] == []


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)


@settings(max_examples=150, deadline=None,   # a real database on a shared CPU: time is not the point
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["token", "device", "signing_key", "exchange_key",
                                        "signature", "x"]), json_values) | json_values)
def test_enrol_of_any_json_is_a_clean_refusal(gateway, document):
    try:
        gateway.enroll(document)
    except (GatewayError, ProtocolError):
        pass
    assert gateway.devices() == []
