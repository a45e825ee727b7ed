"""Small durable values of the box: counters and the last clock reading.

Plain SQL: these run several times in every intake's transaction. Each
takes the store's database it works on."""

from __future__ import annotations

from peewee import SqliteDatabase


def get(db: SqliteDatabase, key: str, default: str | None = None) -> str | None:
    row = db.execute_sql("SELECT value FROM device_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def put(db: SqliteDatabase, key: str, value: str) -> None:
    db.execute_sql("INSERT INTO device_state (key, value) VALUES (?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def next_number(db: SqliteDatabase, key: str) -> int:
    """1, 2, 3, ... per key; call inside a write transaction."""
    row = db.execute_sql(
        "INSERT INTO device_state (key, value) VALUES (?, '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value", (key,)).fetchone()
    return int(row[0])
