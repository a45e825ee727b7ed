"""The outbox: every event, numbered per device, waiting to reach the centre.

An event is appended inside the write transaction of the change it records,
so the change and its outbox record commit together or not at all. The body
is produced by the sealer the box was built with: the plain sealer keeps
canonical JSON; the assembly gives the box one that seals for the gateway
once the box is enrolled.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Protocol

from edge import device_state, rows
from edge.models import OutboxRecord

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
    def __init__(self, sealer: Sealer | None = None):
        self.sealer: Sealer = sealer or PlainSealer()

    def append(self, event_type: str, payload: dict, hlc: int, at: datetime) -> int:
        """Number, seal and store one event; call inside a write transaction.
        Returns its sequence number."""
        seq = device_state.next_number(NEXT_SEQ_KEY)
        plaintext = canonical_json({"type": event_type, "seq": seq, "hlc": hlc,
                                    "payload": payload})
        sealing, body = self.sealer.seal(seq, event_type, plaintext)
        rows.insert(OutboxRecord, {"seq": seq, "event_type": event_type, "hlc": hlc,
                                   "created_at": at, "sealing": sealing, "body": body})
        return seq

    @staticmethod
    def pending():
        return OutboxRecord.select().where(OutboxRecord.acked_at.is_null()).order_by(OutboxRecord.seq)

    def depth(self) -> int:
        return self.pending().count()

    def oldest_pending(self) -> OutboxRecord | None:
        return self.pending().first()
