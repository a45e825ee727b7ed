"""The SQLite store: pragmas, one writer, and migrations from a real old file."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
import types
from pathlib import Path

import pytest

from edge import schema
from appliance.assembly import open_box
from edge.db import Store, StoreError
from edge.keys import DeviceKeys
from edge.models import MODELS

OLD_FILE = Path(__file__).parent / "data" / "edge-schema-v1.db"


def test_pragmas_are_in_force(bare_box):
    db = bare_box.store.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2      # FULL
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_writes_from_many_threads_all_land(bare_box):
    from edge import device_state

    def bump():
        for _ in range(25):
            with bare_box.store.write():
                device_state.next_number(bare_box.store.db, "test.counter")

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert device_state.get(bare_box.store.db, "test.counter") == "150"


def test_a_failed_write_leaves_nothing(bare_box):
    from edge import device_state
    with pytest.raises(RuntimeError):
        with bare_box.store.write():
            device_state.put(bare_box.store.db, "half", "written")
            raise RuntimeError("power cut")
    assert device_state.get(bare_box.store.db, "half") is None


def test_old_database_is_migrated_on_start(tmp_path):
    home = tmp_path / "box"
    home.mkdir()
    shutil.copy(OLD_FILE, home / "edge.db")
    DeviceKeys.create(home / "keys")
    box = open_box(home)
    try:
        assert box.store.version("edge") == len(schema.MIGRATIONS)
        intakes, people = box.store.models.Intake, box.store.models.User
        old = intakes.get(intakes.tracking_code == "AAAA-AA00-1X")
        assert old.fee_rials == 400000 and old.location == ""
        assert people.get(people.username == "old").card_uid is None
    finally:
        box.close()


def test_migrated_schema_matches_the_models(tmp_path):
    store = Store(tmp_path / "fresh.db", MODELS)
    store.migrate([schema])
    for model in MODELS:
        columns = {row[1] for row in store.db.execute_sql(
            f'PRAGMA table_info("{model._meta.table_name}")').fetchall()}
        expected = {field.column_name for field in model._meta.sorted_fields}
        assert expected <= columns, (model.__name__, expected - columns)


def test_database_from_newer_software_is_refused(tmp_path):
    path = tmp_path / "new.db"
    shutil.copy(OLD_FILE, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE schema_version SET version = 99")
    store = Store(path)
    with pytest.raises(StoreError, match="newer than this software"):
        store.migrate([schema])


def test_a_failing_migration_keeps_the_old_version(tmp_path):
    path = tmp_path / "box.db"
    shutil.copy(OLD_FILE, path)

    def broken(db):
        db.execute_sql("ALTER TABLE intake ADD COLUMN half_done TEXT")
        raise RuntimeError("power cut in the middle of a migration")

    store = Store(path)
    with pytest.raises(RuntimeError):
        store.migrate([types.SimpleNamespace(NAME="edge", MIGRATIONS=[schema.MIGRATIONS[0], broken])])
    assert store.version("edge") == 1
    columns = {row[1] for row in store.db.execute_sql("PRAGMA table_info(intake)").fetchall()}
    assert "half_done" not in columns


def test_writes_that_wait_are_committed_together_by_the_writer(bare_box):
    from edge import device_state
    store = bare_box.store
    ran_on = []

    def work(n: int):
        ran_on.append(threading.current_thread().name)
        device_state.put(store.db, f"together.{n}", str(n))
        if n == 2:
            raise ValueError("this one is refused")
        return n

    results = {}

    def submit(n: int) -> None:
        try:
            results[n] = store.write_together(lambda: work(n))
        except ValueError as error:
            results[n] = str(error)

    with store.write():          # the writer is busy: the next writes must wait
        threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        while store._group.idle():
            time.sleep(0.01)
        time.sleep(0.3)          # all four have handed their work over by now
    for thread in threads:
        thread.join()
    assert results == {0: 0, 1: 1, 2: "this one is refused", 3: 3}
    assert set(ran_on) == {"store-writer"}
    assert [device_state.get(store.db, f"together.{n}") for n in range(4)] == ["0", "1", None, "3"]
