"""The outbox: every event, numbered per device, waiting to reach the centre.

An event is appended inside the write transaction of the change it records,
so the change and its outbox record commit together or not at all. The body
is produced by the sealer the box was built with: the plain sealer keeps
canonical JSON; the assembly gives the box one that seals for the gateway
once the box is enrolled.

A record is pending until the gateway acknowledges it; the acknowledgement
deletes it (`acknowledge`), so every record still in the outbox is pending.
`pending` is the one definition that the agent, its report, the API and the
portal use.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Protocol

from edge import device_state, plain_sql

NEXT_SEQ_KEY = "outbox.last_seq"


class Sealer(Protocol):
    def seal(self, seq: int, event_type: str, plaintext: bytes) -> tuple[str, bytes]:
        """(name of the sealing, body bytes) for one record."""


class PlainSealer:
    """Keeps the canonical JSON as it is (before the box is enrolled)."""

    def seal(self, seq: int, event_type: str, plaintext: bytes) -> tuple[str, bytes]:
        return "plain", plaintext


def canonical_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


class Outbox:
    def __init__(self, store, sealer: Sealer | None = None):
        self.store = store
        self.sealer: Sealer = sealer or PlainSealer()

    def append(self, event_type: str, payload: dict, hlc: int, at: datetime) -> int:
        """Number, seal and store one event; call inside a write transaction.
        Returns its sequence number."""
        seq = device_state.next_number(self.store.db, NEXT_SEQ_KEY)
        plaintext = canonical_json({"type": event_type, "seq": seq, "hlc": hlc,
                                    "payload": payload})
        sealing, body = self.sealer.seal(seq, event_type, plaintext)
        plain_sql.insert(self.store.db, self.store.models.OutboxRecord,
                    {"seq": seq, "event_type": event_type, "hlc": hlc, "created_at": at,
                     "sealing": sealing, "body": body})
        return seq

    def pending(self):
        """The records the gateway has not acknowledged, oldest first."""
        record = self.store.models.OutboxRecord
        return record.select().order_by(record.seq)

    def acknowledge(self, held_seq: int) -> None:
        """The gateway holds every record up to `held_seq`: the box needs them
        no more. Call inside a write transaction."""
        record = self.store.models.OutboxRecord
        record.delete().where(record.seq <= held_seq).execute()

    def depth(self) -> int:
        return self.pending().count()

    def oldest_pending(self):
        return self.pending().first()

    def oldest_age_seconds(self, now: datetime) -> int | None:
        """How long the oldest pending record has waited (0 when the clock
        moved back), or None when nothing waits."""
        oldest = self.oldest_pending()
        return max(0, int((now - oldest.created_at).total_seconds())) if oldest else None
