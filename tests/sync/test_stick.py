"""A USB stick when there is no link: `edge export-outbox` on the box,
`edge-gateway import` at the centre, then the link comes back."""

from __future__ import annotations

import json
import subprocess

import pytest

from sync_agent import bundle as bundles
from tests.helpers import EDGE
from tests.sync.conftest import gateway_command
from tests.sync.test_gateway import BUNDLE


@pytest.fixture(params=["sqlite"])
def db_url(request):
    return None     # the stick's path is the same on either gateway database


def edge(home, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EDGE, "--home", str(home), *args], capture_output=True, text=True, timeout=60)


def test_a_stick_carries_the_outbox_and_the_link_later_stores_nothing_twice(
        gateway, gateway_url, make_box, tmp_path):
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    for _ in range(12):   # more than two growing batches (4, then 8) would carry
        tb.intake()
    waiting = tb.box.outbox.depth()
    stick = tmp_path / "stick"

    exported = edge(tb.box.home, "export-outbox", str(stick), "--json")
    assert exported.returncode == 0, exported.stderr
    files = sorted(stick.iterdir())
    assert [path.name for path in files] == json.loads(exported.stdout)["batches"]
    assert tb.box.outbox.depth() == waiting      # not acknowledged until the gateway says so

    imported = subprocess.run(gateway_command(gateway.home, "import", str(stick)),
                              capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    assert len(gateway.feed(0, 1000)["records"]) == waiting
    again = subprocess.run(gateway_command(gateway.home, "import", str(stick)),
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and len(gateway.feed(0, 1000)["records"]) == waiting

    tb.intake()
    result = tb.agent().sync_once()

    # the first batch (4 records) is acknowledged with everything the stick carried:
    # the box drops those records and its second batch is the new intake's
    assert result.ok, result.error
    assert result.batches == 2 and tb.box.outbox.depth() == 0
    assert tb.box.outbox.acked_seq() == gateway.devices()[0]["held_seq"]
    records = gateway.feed(0, 1000)["records"]
    assert len(records) == len({record["seq"] for record in records}) > waiting


def test_export_before_enrolment_and_a_bad_file_say_so_in_one_line(gateway, make_box, tmp_path):
    tb = make_box()
    tb.intake()
    refused = edge(tb.box.home, "export-outbox", str(tmp_path / "stick"))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "enrol" in refused.stderr

    stick = tmp_path / "garbage"
    stick.mkdir()
    (stick / "pishkhan-x-000000000001.batch").write_bytes(b"not a batch")
    bad = subprocess.run(gateway_command(gateway.home, "import", str(stick)),
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stderr.startswith("edge-gateway: pishkhan-x-000000000001.batch: ")
    assert "Traceback" not in bad.stderr


def test_the_newest_bundle_comes_back_on_the_stick_and_is_checked_like_a_download(
        gateway, gateway_url, make_box, tmp_path):
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    source = tmp_path / "bundle.toml"
    source.write_text(BUNDLE, encoding="utf-8")
    gateway.publish(source)
    carried = tmp_path / "stick" / "bundle.json"
    carried.parent.mkdir()

    exported = subprocess.run(gateway_command(gateway.home, "export-bundle", tb.box.keys.device_id,
                                              str(carried)), capture_output=True, text=True, timeout=60)
    assert exported.returncode == 0, exported.stderr

    applied = edge(tb.box.home, "import-bundle", str(carried))
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout == "bundle version 1 applied\n"
    assert bundles.current_version(tb.box.store) == 1

    envelope = json.loads(carried.read_text(encoding="utf-8"))
    envelope["bundle"]["tariffs"][0]["fee_rials"] += 1      # not what the centre signed
    carried.write_text(json.dumps(envelope), encoding="utf-8")
    forged = edge(tb.box.home, "import-bundle", str(carried))
    assert forged.returncode == 1
    assert forged.stderr.splitlines()[-1] == "edge: bundle refused: bundle signature does not verify with the centre's key"
    carried.write_text("{half a file", encoding="utf-8")
    torn = edge(tb.box.home, "import-bundle", str(carried))
    assert torn.returncode == 1 and "cannot read the bundle" in torn.stderr
