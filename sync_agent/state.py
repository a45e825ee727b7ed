"""Small durable values of the sync agent (in `sync_state`), typed; each
takes the store of the box it speaks for."""

from __future__ import annotations

import json
from typing import Any

from edge import plain_sql
from sync_agent.schema import SyncEnrolment

PULLED_SEQ = "pulled_seq"              # the central system has pulled up to it (the gateway's word)
DROPPED_UNPULLED = "dropped_unpulled"  # acknowledged records dropped before the centre pulled them
LAST_SUCCESS = "last_success"          # ISO time of the last sync that reached the gateway
LAST_ATTEMPT = "last_attempt"
LAST_ERROR = "last_error"              # words, or empty
LAST_ERROR_AT = "last_error_at"
LAST_ERROR_CODE = "last_error_code"     # unreachable, timeout, refused, not_enrolled, internal
SKEW_MS = "skew_ms"                    # gateway time minus box time
BUNDLE_ERROR = "bundle_error"          # why the last offered bundle was refused, or empty
GATEWAY_BUNDLE = "gateway_bundle_version"
FAILURES = "failures"
BATCH_SIZE = "batch_size"
SENT_RECORDS = "sent_records"


def get(store, key: str, default: Any = None) -> Any:
    values = store.models.SyncState
    row = values.get_or_none(values.key == key)
    return json.loads(row.value) if row else default


def put(store, key: str, value: Any) -> None:
    store.models.SyncState.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()


def enrolment(store) -> SyncEnrolment | None:
    """The enrolment row, read in plain SQL: until the box is enrolled the
    outbox's sealer asks on every record it seals, inside the intake's write
    transaction, where peewee's building of the query cost a quarter of an intake."""
    return plain_sql.first(store.db, store.models.SyncEnrolment,
                           'SELECT * FROM "sync_enrolment" WHERE "id" = 1')
