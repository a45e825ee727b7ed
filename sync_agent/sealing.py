"""The outbox's sealer, which follows the box's enrolment, and the one-time
reseal of records written before enrolment.

The assembly gives the outbox an `EnrolmentSealer` before anything is
written: before enrolment there is no gateway key to seal to, so it keeps
the canonical JSON; from the moment the enrolment row exists it seals. At enrolment every plain record is sealed
in the same transaction that pins the gateway's keys: from then on no plain
record exists, and nothing queued can be read with what is on the box.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from edge.outbox import PlainSealer
from sync_agent import state
from wire.encoding import load_x25519_public
from wire.records import SEALING_HPKE, SEALING_PLAIN, seal


class HpkeSealer:
    """Compresses and seals each record to the pinned gateway key, bound to
    this device and the record's sequence number."""

    name = SEALING_HPKE

    def __init__(self, device_id: str, recipient: X25519PublicKey):
        self.device_id = device_id
        self.recipient = recipient

    def seal(self, seq: int, event_type: str, plaintext: bytes) -> tuple[str, bytes]:
        return self.name, seal(plaintext, self.recipient, self.device_id, seq)

    @classmethod
    def for_enrolment(cls, enrolment) -> "HpkeSealer":
        """Sealing to the gateway key pinned in the box's enrolment row."""
        return cls(enrolment.device_id, load_x25519_public(bytes(enrolment.exchange_key)))


class EnrolmentSealer:
    """Plain before enrolment, HPKE to the pinned gateway key after it. Asked
    inside the write transaction that appends the record, so a record and the
    enrolment it was sealed for always agree; enrolment is never undone, so
    the HPKE sealer, once found, is kept."""

    def __init__(self, store):
        self.store = store
        self._plain = PlainSealer()
        self._sealer: HpkeSealer | None = None

    def seal(self, seq: int, event_type: str, plaintext: bytes) -> tuple[str, bytes]:
        if self._sealer is None:
            enrolment = state.enrolment(self.store)
            if enrolment is None:
                return self._plain.seal(seq, event_type, plaintext)
            self._sealer = HpkeSealer.for_enrolment(enrolment)
        return self._sealer.seal(seq, event_type, plaintext)


def plain_records(store):
    """The outbox records still in plain JSON."""
    records = store.models.OutboxRecord
    return records.select().where(records.sealing == SEALING_PLAIN)


def reseal_plain_records(store, sealer: HpkeSealer) -> int:
    """Seal every still-plain record; call inside the enrolment's write transaction."""
    records = store.models.OutboxRecord
    count = 0
    for record in plain_records(store):
        _, body = sealer.seal(record.seq, record.event_type, bytes(record.body))
        records.update(sealing=sealer.name, body=body).where(
            records.seq == record.seq).execute()
        count += 1
    return count
