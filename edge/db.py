"""The box's SQLite store: pragmas, the single writer and the migrations.

Every write goes through `Store.write()`: one process-wide lock (one writer)
around a short `BEGIN IMMEDIATE` transaction, so a write never meets
SQLITE_BUSY half-way and readers in WAL mode are never blocked.

Intakes, the busiest writes, go through `Store.write_together(work)`: when
the writer is free the work runs at once in the caller's thread; when it is
busy, a writer thread runs each waiting piece of work in its own savepoint of
one transaction, so several operators' intakes share one fsync (group
commit). Either way the caller returns only once its work is committed.

Schema changes are ordered migrations per component (listed by `appliance.assembly`):
a component's `schema.py` has `NAME` and `MIGRATIONS`, a list of functions
`migration(db)`; the version of each component is kept in `schema_version`.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import copy

from peewee import ForeignKeyField, OperationalError, SqliteDatabase

from edge import folding

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",   # a receipt that was printed must survive a power cut
    "foreign_keys": 1,
    "busy_timeout": 5000,     # other processes (the CLI) wait instead of failing
    "cache_size": -256,       # 256 KiB per connection (one per thread); the OS caches the file too
    "journal_size_limit": 4 * 1024 * 1024,   # the WAL shrinks back to 4 MiB after a checkpoint
    # A rewritten row (a status change rewrites the intake's, with its national
    # code) leaves its old bytes zeroed rather than lying in the page until the
    # space is reused; "fast" costs no extra I/O (edge.retention purges with ON).
    "secure_delete": "fast",
}

Migration = Callable[[SqliteDatabase], None]


class StoreError(RuntimeError):
    """The store cannot be opened or migrated."""


def _first_error(error: BaseException) -> BaseException:
    """The error a failed rollback (of a transaction SQLite had already ended)
    happened while handling."""
    while "no transaction is active" in str(error) and error.__context__ is not None:
        error = error.__context__
    return error


def open_database(path: Path) -> SqliteDatabase:
    """The database at `path`, made private (0600) when it is new: it holds
    citizens' data. SQLite gives its -wal and -shm files the same mode."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)


def bind_copies(db: SqliteDatabase, models: Sequence[type]) -> dict[type, type]:
    """A subclass of each declared model bound to `db`, its foreign keys
    pointing at the other copies. peewee binds a class to one database, so a
    store needs classes of its own for two stores to live in one process; the
    declared classes stay unbound. `models` come in dependency order."""
    copies: dict[type, type] = {}
    for model in models:
        meta = type("Meta", (), {"database": db, "table_name": model._meta.table_name})
        attrs = {"Meta": meta, "__module__": model.__module__}
        for name, field in model._meta.fields.items():
            if isinstance(field, ForeignKeyField) and field.rel_model in copies:
                repointed = copy.copy(field)
                repointed.rel_model = copies[field.rel_model]
                repointed.rel_field = field.rel_field.name
                repointed.declared_backref = field.backref
                attrs[name] = repointed
        copies[model] = type(model.__name__, (model,), attrs)
    return copies


class BoundModels:
    """One store's own model classes: `models.Intake`, or `models[Intake]`
    by the declared class."""

    def __init__(self, copies: dict[type, type]):
        self._copies = copies
        for declared, bound in copies.items():
            setattr(self, declared.__name__, bound)

    def __getitem__(self, declared: type) -> type:
        return self._copies[declared]

    def __iter__(self) -> Iterator[type]:
        return iter(self._copies.values())


class Store:
    """One SQLite file with its writer lock and its own copies of the models
    (`store.models.Intake`), so several stores can be open in one process."""

    def __init__(self, path: Path, models: Sequence[type] = ()):
        self.path = Path(path)
        self.db = open_database(self.path)
        # every connection (one per thread) gets it as it opens: searches fold in SQL
        self.db.register_function(folding.search_key, num_params=1, deterministic=True)
        self.models = BoundModels(bind_copies(self.db, models))
        self._write_lock = threading.RLock()
        self._group = GroupCommit(self)

    def write_together(self, work: Callable[[], Any]) -> Any:
        """`work()` inside a write transaction shared with other waiting work;
        returns its result (or raises its error) once that is committed."""
        if self.db.in_transaction():     # already inside a write: just join it
            with self.write():
                return work()
        if self._write_lock.acquire(blocking=False):
            try:
                if self._group.idle():   # nobody to share a commit with: no hand-over
                    with self.write():
                        return work()
            finally:
                self._write_lock.release()
        return self._group.run(work)

    @contextmanager
    def write(self) -> Iterator[SqliteDatabase]:
        """A short write transaction; nested calls join the outer one."""
        with self._write_lock:
            if self.db.in_transaction():
                with self.db.savepoint():
                    yield self.db
                return
            try:
                with self.db.atomic("IMMEDIATE"):
                    yield self.db
            except OperationalError as error:
                # SQLite rolls back by itself after some errors (a full disk), so
                # peewee's rollback fails too: the first error is what happened
                first = _first_error(error)
                if first is not error:
                    raise first from None
                raise

    def migrate(self, schemas: Sequence) -> dict[str, tuple[int, int]]:
        """Apply pending migrations of `schemas` (each with NAME and MIGRATIONS), in
        order; returns {component: (from, to)}."""
        applied = {}
        with self.write():
            self.db.execute_sql(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
        for schema in schemas:
            before = self.version(schema.NAME)
            if before > len(schema.MIGRATIONS):
                raise StoreError(
                    f"database {self.path} has {schema.NAME} schema version {before}, "
                    f"newer than this software ({len(schema.MIGRATIONS)}); upgrade the software")
            for number, migration in enumerate(schema.MIGRATIONS[before:], start=before + 1):
                with self.write():
                    migration(self.db)
                    self.db.execute_sql(
                        "INSERT INTO schema_version (component, version) VALUES (?, ?) "
                        "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                        (schema.NAME, number))
                log.info("migrated %s schema to version %d", schema.NAME, number)
            applied[schema.NAME] = (before, len(schema.MIGRATIONS))
        return applied

    def version(self, component: str) -> int:
        row = self.db.execute_sql(
            "SELECT version FROM schema_version WHERE component = ?", (component,)).fetchone()
        return row[0] if row else 0

    def integrity_errors(self) -> list[str]:
        """SQLite's own integrity check; empty when the file is sound."""
        rows = self.db.execute_sql("PRAGMA integrity_check").fetchall()
        problems = [row[0] for row in rows if row[0] != "ok"]
        problems += [f"foreign key broken in {row[0]} row {row[1]}"
                     for row in self.db.execute_sql("PRAGMA foreign_key_check").fetchall()]
        return problems

    def close(self) -> None:
        self._group.stop()
        self.db.close()


_STOP = object()


class _Work:
    __slots__ = ("call", "done", "result", "error")

    def __init__(self, call: Callable[[], Any]):
        self.call, self.done, self.result, self.error = call, threading.Event(), None, None


class GroupCommit:
    """The writer thread behind `Store.write_together`. A failing piece of
    work rolls back only its own savepoint; a failing commit fails them all."""

    MAX_BATCH = 32

    def __init__(self, store: Store):
        self.store = store
        self._waiting: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def run(self, call: Callable[[], Any]) -> Any:
        work = _Work(call)
        self._ensure_thread()
        self._waiting.put(work)
        work.done.wait()
        if work.error is not None:
            raise work.error
        return work.result

    def idle(self) -> bool:
        return self._waiting.empty()

    def stop(self) -> None:
        if self._thread is not None:
            self._waiting.put(_STOP)
            self._thread.join(timeout=10)
            self._thread = None
        while (late := self._waiting_now()) is not None:   # handed over as we stopped
            late.error = StoreError("the store closed before this write")
            late.done.set()

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="store-writer",
                                                daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while (first := self._waiting.get()) is not _STOP:
            batch = [first]
            try:
                with self.store.write():
                    self._run(first)
                    while len(batch) < self.MAX_BATCH and (more := self._waiting_now()):
                        batch.append(more)
                        self._run(more)
            except Exception as error:   # the commit failed: nothing in the batch is stored
                for work in batch:
                    work.error = work.error or error
            for work in batch:
                work.done.set()
        self.store.db.close()            # this thread's connection

    def _waiting_now(self) -> _Work | None:
        """The next waiting work, or None when there is none (or a stop is next)."""
        try:
            work = self._waiting.get_nowait()
        except queue.Empty:
            return None
        if work is _STOP:
            self._waiting.put(_STOP)     # seen again by the loop, after this batch
            return None
        return work

    def _run(self, work: _Work) -> None:
        try:
            with self.store.db.savepoint():
                work.result = work.call()
        except BaseException as error:   # whatever it is, it is the caller's to see
            work.error = error


def run_sql(*statements: str) -> Migration:
    """A migration made of plain SQL statements."""
    def migration(db: SqliteDatabase) -> None:
        for statement in statements:
            db.execute_sql(statement)
    return migration
