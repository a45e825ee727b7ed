"""Nothing is lost when the gateway's database is restored from an older copy.

The box keeps acknowledged records until the gateway says the central system
has pulled them; a restored gateway answers with a held sequence below the
box's mark, the box sends again what it kept, and says so when it no longer
keeps the first record the gateway lacks (the centre had pulled it). The feed
never hands out again an id the central system's cursor has passed.
"""

from __future__ import annotations

from collections import Counter

import pytest

from gateway.app import create_app
from gateway.server import ServerThread
from gateway.service import open_gateway
from sync_agent import status


class Central:
    """The central system: pulls the feed page by page and keeps every record."""

    def __init__(self):
        self.cursor = 0
        self.records: list[dict] = []

    def pull(self, gateway) -> None:
        """Until an empty page: asking for it confirms the last one."""
        while True:
            page = gateway.feed(self.cursor, 3)
            self.records += page["records"]
            self.cursor = int(page["next"])
            if not page["records"]:
                return

    def intakes(self) -> Counter:
        return Counter(r["payload"]["tracking_code"] for r in self.records
                       if r["type"] == "intake.created")


class ServedGateway:
    """A PostgreSQL gateway behind a real waitress server, which can be stopped
    while its database is restored and served again."""

    def __init__(self, home, db_url):
        self.home, self.db_url = home, db_url
        self.gateway = open_gateway(home, db_url)
        self.server = ServerThread(create_app(self.gateway))

    def stop(self) -> None:
        self.server.stop()
        self.gateway.close()

    def start_again(self, box) -> None:
        self.gateway = open_gateway(self.home, self.db_url)
        self.server = ServerThread(create_app(self.gateway))
        with box.store.write():     # the same gateway at a new port
            box.store.models.SyncEnrolment.update(gateway_url=self.server.url).execute()


@pytest.fixture
def db_url(postgres):
    return postgres.new_database()


def test_a_gateway_restored_from_a_backup_ends_with_every_intake_once(
        gateway, db_url, postgres, make_box):
    served = ServedGateway(gateway.home, db_url)
    central = Central()
    tb = make_box()
    tb.enroll(served.gateway, served.server.url)
    agent = tb.agent()
    codes = []

    def intakes(count: int) -> None:
        codes.extend(tb.intake().tracking_code for _ in range(count))

    def sync() -> None:
        result = agent.sync_once()
        assert result.ok, result.error

    try:
        intakes(3)
        sync()
        assert tb.box.outbox.kept().count() >= 3
        central.pull(served.gateway)
        intakes(1)
        sync()                  # the next acknowledgement tells the box what the centre pulled
        assert tb.box.outbox.kept().count() == 1
        backup = postgres.dump(db_url)

        intakes(3)
        sync()
        central.pull(served.gateway)                # pulled after the backup
        intakes(2)
        sync()                                      # acknowledged, not pulled: kept
        assert tb.box.outbox.kept().count() == 2 and tb.box.outbox.depth() == 0
        report = status(tb.box)
        assert report["kept_records"] == 2 and report["queue_depth"] == 0
        assert "kept until the central system pulls them" in report["summary"]
        pulled_before_restore = report["pulled_seq"]

        served.stop()
        postgres.restore(db_url, backup)
        served.start_again(tb.box)
        held = served.gateway.devices()[0]["held_seq"]
        assert held < pulled_before_restore         # the gateway forgot what the centre pulled

        intakes(2)
        sync()                                      # resends the kept two, resumes past the gap
        central.pull(served.gateway)
        assert central.intakes() == Counter(codes)  # every intake once
        intakes(1)
        sync()
        central.pull(served.gateway)
        assert central.intakes() == Counter(codes)
        assert tb.box.outbox.kept().count() == 1 and tb.box.outbox.depth() == 0
        device = served.gateway.devices()[0]
        assert device["held_seq"] == device["pulled_seq"] == tb.box.outbox.acked_seq()
        assert [r.seq for r in tb.box.outbox.kept()] == [device["held_seq"]]
    finally:
        served.stop()
