"""The outbox: every event, numbered per device, waiting to reach the centre.

An event is appended inside the write transaction of the change it records,
so the change and its outbox record commit together or not at all. The body
is produced by the sealer the box was built with: the plain sealer keeps
canonical JSON; the assembly gives the box one that seals for the gateway
once the box is enrolled.

A record is pending until the gateway acknowledges it. An acknowledged
record is still kept (`kept`) until the gateway says the central system has
pulled it (`release`), or it is older than the days or beyond the bytes the
box may keep (`trim`): if the gateway's database is restored from an older
copy, its acknowledgement falls below the box's mark and the box sends again
what it kept (`acknowledge` moves the mark back). `pending` (above the mark)
is the one definition that the agent, its report, the API and the portal use.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Protocol

from edge import device_state, plain_sql

NEXT_SEQ_KEY = "outbox.last_seq"
ACKED_KEY = "outbox.acked_seq"      # the gateway holds every record up to this one


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

    def acked_seq(self) -> int:
        return int(device_state.get(self.store.db, ACKED_KEY, "0"))

    def pending(self):
        """The records the gateway has not acknowledged, oldest first."""
        record = self.store.models.OutboxRecord
        return record.select().where(record.seq > self.acked_seq()).order_by(record.seq)

    def kept(self):
        """Acknowledged records kept in case the gateway loses them, oldest first."""
        record = self.store.models.OutboxRecord
        return record.select().where(record.seq <= self.acked_seq()).order_by(record.seq)

    def acknowledge(self, held_seq: int, at: datetime) -> int:
        """The gateway holds every record up to `held_seq` (as of `at`). Below
        the mark it had before, the gateway lost records (its database restored
        from an older copy): the kept ones above `held_seq` are pending again.
        Returns how many went back to pending. Call inside a write transaction."""
        record = self.store.models.OutboxRecord
        before = self.acked_seq()
        device_state.put(self.store.db, ACKED_KEY, str(held_seq))
        if held_seq >= before:
            record.update(acked_at=at).where((record.seq <= held_seq)
                                             & record.acked_at.is_null()).execute()
            return 0
        return record.update(acked_at=None).where(record.seq > held_seq).execute()

    def release(self, pulled_seq: int) -> int:
        """The central system has pulled every record up to `pulled_seq`: the
        box needs them no more. Call inside a write transaction."""
        record = self.store.models.OutboxRecord
        return record.delete().where(record.seq <= min(pulled_seq, self.acked_seq())).execute()

    def trim(self, acked_before: datetime, budget_bytes: int) -> int:
        """Drop kept records acknowledged before `acked_before`, then the oldest
        kept ones beyond `budget_bytes` of bodies; pending records are never
        dropped. Returns how many went. Call inside a write transaction."""
        record = self.store.models.OutboxRecord
        acked = self.acked_seq()
        dropped = record.delete().where((record.seq <= acked)
                                        & (record.acked_at < acked_before)).execute()
        # The newest kept bodies fill the budget; everything older goes.
        over = self.store.db.execute_sql(
            "SELECT MAX(seq) FROM (SELECT seq, SUM(LENGTH(body)) OVER (ORDER BY seq DESC) AS used"
            " FROM outbox_record WHERE seq <= ?) WHERE used > ?", (acked, budget_bytes)).fetchone()[0]
        if over is not None:
            dropped += record.delete().where(record.seq <= over).execute()
        return dropped

    def depth(self) -> int:
        return self.pending().count()

    def oldest_pending(self):
        return self.pending().first()

    def oldest_age_seconds(self, now: datetime) -> int | None:
        """How long the oldest pending record has waited (0 when the clock
        moved back), or None when nothing waits."""
        oldest = self.oldest_pending()
        return max(0, int((now - oldest.created_at).total_seconds())) if oldest else None
