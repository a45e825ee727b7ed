"""Several gateway processes on one PostgreSQL: concurrent duplicate uploads
store each (device, seq) once, and a feed reader paging during the uploads
misses nothing and sees each device in order."""

from __future__ import annotations

import threading

import requests

from gateway.service import init_home
from wire.ack import decode_ack
from tests.sync.conftest import GatewayProcess, gateway_command
from tests.sync.devices import SimDevice


def test_two_gateway_processes_share_one_postgresql(postgres, tmp_path):
    url = postgres.new_database()
    gateway = init_home(tmp_path / "gw", url)
    gateway.add_office("KHR-0042", "office")
    key = gateway.issue_api_key("central")
    devices = []
    for _ in range(4):
        device = SimDevice()
        device.pin(gateway.enroll(device.enroll_request(gateway.issue_token("KHR-0042"))))
        devices.append(device)
    first = GatewayProcess(gateway.home, db_url=url).start()
    second = GatewayProcess(gateway.home, db_url=url).start()
    seen, done, errors = [], threading.Event(), []

    def read_feed():
        cursor = "0"
        session = requests.Session()
        while True:
            finished = done.is_set()
            page = session.get(first.url + f"/v1/feed?after={cursor}&limit=500",
                               headers={"Authorization": f"Bearer {key}"}, timeout=10).json()
            seen.extend(page["records"])
            cursor = page["next"]
            if finished and not page["records"]:
                return

    def upload(device: SimDevice):
        try:
            for first_seq in range(1, 200, 10):
                wire = device.batch_of(first_seq, first_seq + 9)
                answers = []
                both = [threading.Thread(target=lambda u=u: answers.append(
                    session_post(u, wire))) for u in (first.url, second.url)]
                for thread in both:
                    thread.start()
                for thread in both:
                    thread.join()
                assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
                assert max(decode_ack(a.content).held_seq for a in answers) == first_seq + 9
        except Exception as error:      # surfaced below
            errors.append(error)

    reader = threading.Thread(target=read_feed)
    reader.start()
    uploaders = [threading.Thread(target=upload, args=(d,)) for d in devices]
    for thread in uploaders:
        thread.start()
    for thread in uploaders:
        thread.join()
    done.set()
    reader.join(timeout=30)
    first.stop()
    second.stop()
    assert not errors, errors
    full = gateway.feed(0, 100_000)["records"]
    assert len(full) == 4 * 200
    assert [r["id"] for r in seen] == [r["id"] for r in full]        # the live reader missed none
    for device in devices:
        seqs = [r["seq"] for r in full if r["device"] == device.device_id]
        assert seqs == list(range(1, 201))
    gateway.close()


def session_post(url: str, wire: bytes):
    return requests.post(url + "/v1/batches", data=wire, timeout=30)


def test_cli_on_postgresql(postgres, tmp_path):
    import subprocess
    url = postgres.new_database()
    home = tmp_path / "gw"
    run = lambda *args: subprocess.run(gateway_command(home, *args, db_url=url),
                                       capture_output=True, text=True, timeout=60)
    assert run("init").returncode == 0
    assert run("office", "add", "A-1", "--name", "A").returncode == 0
    token = run("token", "issue", "A-1")
    assert token.returncode == 0 and len(token.stdout.strip()) > 16
    missing = run("token", "issue", "B-2")
    assert missing.returncode == 1 and missing.stderr.strip().count("\n") == 0
    assert "no office B-2" in missing.stderr
