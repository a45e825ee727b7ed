"""The audit log: who did what, when. Each entry carries the hash of the one
before it, so an entry changed or removed after the fact breaks the chain
(law article 14: violations are punished, so the trail must be evidence)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Iterable

from edge import plain_sql
from edge.fields import utc_text

GENESIS = "0" * 64


def entry_hash(prev_hash: str, entry_id: int, at_text: str, hlc: int, actor: str,
               action: str, subject: str, details: Any) -> str:
    canonical = json.dumps([entry_id, at_text, hlc, actor, action, subject, details],
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def append(store, actor: str, action: str, subject: str, details: dict, at: datetime,
           hlc: int) -> int:
    """Add an entry; call inside the write transaction of the change it records.
    Returns its number."""
    last = store.db.execute_sql(
        "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    entry_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    digest = entry_hash(prev_hash, entry_id, utc_text(at), hlc, actor, action, subject, details)
    plain_sql.insert(store.db, store.models.AuditEntry,
                {"id": entry_id, "at": at, "hlc": hlc, "actor": actor, "action": action,
                 "subject": subject, "details": details, "prev_hash": prev_hash, "hash": digest})
    return entry_id


def first_broken(store, entries: Iterable | None = None) -> tuple[int, str] | None:
    """(entry id, what is wrong) for the first entry of `store`'s chain (or of
    `entries`) that breaks it, or None."""
    if entries is None:
        entries = store.models.AuditEntry.select().order_by(store.models.AuditEntry.id)
    expected_prev, expected_id = GENESIS, 1
    for entry in entries:
        if entry.id != expected_id:
            return entry.id, f"entry {expected_id} is missing"
        if entry.prev_hash != expected_prev:
            return entry.id, "does not point at the entry before it"
        digest = entry_hash(entry.prev_hash, entry.id, utc_text(entry.at), entry.hlc,
                            entry.actor, entry.action, entry.subject, entry.details)
        if digest != entry.hash:
            return entry.id, "its content was changed after it was written"
        expected_prev, expected_id = entry.hash, entry.id + 1
    return None
