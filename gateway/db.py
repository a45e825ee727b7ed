"""The gateway's database: SQLite by default, PostgreSQL with a URL.

The tables' model classes are built per database (gateway.models), so one
process holds as many gateways as it likes. Schema changes are ordered
plain-SQL migrations written once with two spellings of the few types that
differ.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import logging
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlparse

from peewee import __exception_wrapper__  # noqa: F401  (turns driver errors into peewee's)
from peewee import Database, PostgresqlDatabase, SqliteDatabase

log = logging.getLogger(__name__)


class GatewayDbError(RuntimeError):
    """The database URL is unusable or the schema is newer than this software."""


# {serial}, {blob} differ between SQLite and PostgreSQL.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE office (id {serial}, code VARCHAR(64) NOT NULL UNIQUE, name TEXT NOT NULL,"
        " created_ms BIGINT NOT NULL)",
        "CREATE TABLE enroll_token (id {serial}, token_hash VARCHAR(64) NOT NULL UNIQUE,"
        " office_id INTEGER NOT NULL REFERENCES office(id), created_ms BIGINT NOT NULL,"
        " expires_ms BIGINT NOT NULL, used_ms BIGINT, used_by VARCHAR(128))",
        "CREATE TABLE device (id {serial}, device_id VARCHAR(128) NOT NULL UNIQUE,"
        " tag VARCHAR(16) NOT NULL UNIQUE, office_id INTEGER NOT NULL REFERENCES office(id),"
        " signing_key {blob} NOT NULL, exchange_key {blob} NOT NULL, enrolled_ms BIGINT NOT NULL,"
        " held_seq BIGINT NOT NULL DEFAULT 0, last_seen_ms BIGINT, skew_ms BIGINT)",
        "CREATE TABLE api_key (id {serial}, name TEXT NOT NULL, key_hash VARCHAR(64) NOT NULL UNIQUE,"
        " created_ms BIGINT NOT NULL, revoked BOOLEAN NOT NULL DEFAULT FALSE)",
        "CREATE TABLE batch (id {serial}, device_id INTEGER NOT NULL REFERENCES device(id),"
        " received_ms BIGINT NOT NULL, sent_ms BIGINT NOT NULL, first_seq BIGINT NOT NULL,"
        " last_seq BIGINT NOT NULL, new_records INTEGER NOT NULL, conflicts INTEGER NOT NULL,"
        " held_after BIGINT NOT NULL, digest VARCHAR(64) NOT NULL, body {blob} NOT NULL)",
        "CREATE TABLE record (id {serial}, device_id INTEGER NOT NULL REFERENCES device(id),"
        " seq BIGINT NOT NULL, type VARCHAR(64) NOT NULL, hlc BIGINT NOT NULL,"
        " created_at VARCHAR(40) NOT NULL, payload TEXT NOT NULL, digest VARCHAR(64) NOT NULL,"
        " batch_id INTEGER NOT NULL REFERENCES batch(id), received_ms BIGINT NOT NULL,"
        " CONSTRAINT record_device_seq UNIQUE (device_id, seq))",
        "CREATE TABLE conflict (id {serial}, device_id INTEGER NOT NULL REFERENCES device(id),"
        " seq BIGINT NOT NULL, held_digest VARCHAR(64) NOT NULL, new_digest VARCHAR(64) NOT NULL,"
        " type VARCHAR(64) NOT NULL, payload TEXT NOT NULL,"
        " batch_id INTEGER NOT NULL REFERENCES batch(id), received_ms BIGINT NOT NULL)",
        "CREATE TABLE bundle (id {serial}, version BIGINT NOT NULL UNIQUE,"
        " issued_at VARCHAR(40) NOT NULL, expires_at VARCHAR(40) NOT NULL, document TEXT NOT NULL,"
        " digest VARCHAR(64) NOT NULL, published_ms BIGINT NOT NULL)",
        "CREATE INDEX batch_device ON batch (device_id, id)",
    ),
    (
        # How far the central system has pulled each box's records (the box
        # keeps acknowledged records until then), and up to which feed id the
        # central system has confirmed, by asking for the page after it.
        "ALTER TABLE device ADD COLUMN pulled_seq BIGINT NOT NULL DEFAULT 0",
        "CREATE TABLE feed_pulled (id INTEGER PRIMARY KEY, up_to BIGINT NOT NULL)",
        "INSERT INTO feed_pulled (id, up_to) VALUES (1, 0)",
    ),
)

_SPELLING = {
    "sqlite": {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"},
    "postgresql": {"serial": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA"},
}


def is_postgres(db: Database) -> bool:
    return isinstance(db, PostgresqlDatabase)


def database_for(url: str | None, home: Path) -> Database:
    """`None` or `sqlite:///PATH` -> SQLite; `postgresql://user:pw@host:port/name`."""
    if not url:
        return _sqlite(home / "gateway.sqlite3")
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return _sqlite(Path(unquote(parsed.path)))
    if parsed.scheme in ("postgresql", "postgres"):
        name = parsed.path.lstrip("/")
        if not name:
            raise GatewayDbError(f"database URL {url!r} names no database")
        if importlib.util.find_spec("psycopg2") is None:
            raise GatewayDbError("PostgreSQL needs its driver: pip install 'pishkhan-edge[postgres]'")
        return PostgresqlDatabase(
            name, user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None, port=parsed.port or None)
    raise GatewayDbError(f"database URL {url!r}: use sqlite:///PATH or postgresql://...")


def _sqlite(path: Path) -> SqliteDatabase:
    return SqliteDatabase(str(path), check_same_thread=False, pragmas={
        "journal_mode": "wal", "synchronous": "full", "foreign_keys": 1, "busy_timeout": 10000})


def migrate(db: Database) -> int:
    """Apply pending migrations; safe when several gateways start at once."""
    dialect = "postgresql" if is_postgres(db) else "sqlite"
    with write(db):
        db.execute_sql("CREATE TABLE IF NOT EXISTS gateway_schema (version INTEGER NOT NULL)")
        row = db.execute_sql("SELECT MAX(version) FROM gateway_schema").fetchone()
        current = row[0] or 0
        if current > len(MIGRATIONS):
            raise GatewayDbError(f"gateway schema version {current} is newer than this software")
        for number, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                db.execute_sql(statement.format(**_SPELLING[dialect]))
            db.execute_sql("INSERT INTO gateway_schema (version) VALUES (%d)" % number)
            log.info("gateway schema migrated to %d", number)
    return len(MIGRATIONS)


# One constant advisory lock serialises writers of the feed on PostgreSQL, so
# feed ids are committed in the order they are handed out: a reader that
# has seen id N never later finds a new row below N.
FEED_LOCK = 0x5EED


@contextmanager
def write(db: Database) -> Iterator[None]:
    """A write transaction that serialises with every other gateway process."""
    if is_postgres(db):
        with db.atomic():
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (FEED_LOCK,))
            yield
    else:
        with db.atomic("IMMEDIATE"):
            yield


def keep_ids_ahead_of(db: Database, table: str, floor: int) -> None:
    """The next id of `table` above `floor` (the gateway's clock in
    microseconds). A database restored from an older copy would otherwise
    hand out again ids the central system has already passed with its feed
    cursor, and it would never see those rows. Call inside `write`."""
    with __exception_wrapper__:
        if is_postgres(db):
            db.execute_sql(f"SELECT setval('{table}_id_seq', GREATEST(last_value, %s))"
                           f" FROM {table}_id_seq", (floor,))
            return
        updated = db.execute_sql("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?",
                                 (floor, table)).rowcount
        if not updated:
            db.execute_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, floor))


RECORD_COLUMNS = ("device_id", "seq", "type", "hlc", "created_at", "payload", "digest",
                  "batch_id", "received_ms")


def insert_records(db: Database, rows: list[tuple]) -> None:
    """Many feed rows at once, in RECORD_COLUMNS order: COPY on PostgreSQL,
    executemany on SQLite (peewee's insert_many spends more time building SQL
    than the database spends storing). Errors come out as peewee's."""
    columns = ", ".join(RECORD_COLUMNS)
    with __exception_wrapper__:
        if is_postgres(db):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            buffer.seek(0)
            with db.cursor() as cursor:
                cursor.copy_expert(f"COPY record ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
            return
        marks = ", ".join("?" * len(RECORD_COLUMNS))
        db.cursor().executemany(f"INSERT INTO record ({columns}) VALUES ({marks})", rows)


def now_ms() -> int:
    return int(time.time() * 1000)


def iso_ms(ms: int | None) -> str | None:
    """Milliseconds since the epoch as ISO 8601 UTC text; None stays None."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="milliseconds")
