"""The outbox on a USB stick, for an office with no link at all: the same
sealed, device-signed batches the link would carry, one file each, for
`edge-gateway import` to ingest under the same exactly-once rules.

Nothing leaves the outbox here: the records stay until the gateway's
acknowledgement of a later upload says it holds them (an acknowledgement
names the highest contiguous record held, whoever brought it)."""

from __future__ import annotations

from pathlib import Path

from edge.atomic import write_atomically
from sync_agent import state
from sync_agent.agent import consecutive, seal_stragglers, signed_batch

BATCH_SUFFIX = ".batch"


class NotEnrolled(Exception):
    """Batches are sealed to and signed for one gateway: none before enrolment."""


def batch_file_name(device_id: str, first_seq: int) -> str:
    """Sorted by name is sorted by sequence, so an import goes in order."""
    return f"pishkhan-{device_id}-{first_seq:012d}{BATCH_SUFFIX}"


def export_outbox(box, folder: Path, batch_size: int) -> list[Path]:
    """Write every waiting record into `folder` as signed batches of at most
    `batch_size` records; the files written, oldest first."""
    enrolment = state.enrolment(box.store)
    if enrolment is None:
        raise NotEnrolled("this box is not enrolled with a gateway: enrol it first")
    seal_stragglers(box.store, enrolment)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    after = 0
    while True:
        record = box.store.models.OutboxRecord
        records = consecutive(list(box.outbox.pending().where(record.seq > after).limit(batch_size)))
        if not records:
            return written
        path = folder / batch_file_name(enrolment.device_id, records[0].seq)
        write_atomically(path, signed_batch(box, enrolment, records), mode=0o644)
        written.append(path)
        after = records[-1].seq
