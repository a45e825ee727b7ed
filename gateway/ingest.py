"""Batch ingest: verify, open and store each (device, seq) at most once, and
answer the highest contiguous sequence held and how far the central system
has pulled.

A batch that starts beyond the next record held is refused (the box sends
again from there), unless the box says it keeps nothing before it (`resume`):
after this database was restored from an older copy, the box sends again what
it kept, and what it no longer keeps the central system had already pulled.

Crypto work (signature, opening each record) is done before the write
transaction, so the one serialising lock is held only for the few inserts.
"""

from __future__ import annotations

import hashlib
import json
import logging

from peewee import IntegrityError

from gateway.db import insert_records, keep_ids_ahead_of, write
from gateway.errors import GatewayError, NotEnrolled
from gateway.job import GatewayJob
from wire.ack import ack_key, encode_ack
from wire.batch import Batch, batch_digest, decode_batch, verify_batch, verify_batch_tag
from wire.encoding import load_ed25519_public
from wire.records import Event, decode_event, open_sealed

log = logging.getLogger(__name__)


class BatchIngest(GatewayJob):
    """The gateway's ingest job (a part of gateway.service.Gateway)."""

    def ingest(self, data: bytes, resume: bool = False) -> bytes:
        """Verify, open and store one batch; the binary ack. `resume`: the box
        keeps nothing before this batch, so a gap before it is accepted."""
        batch = decode_batch(data)
        device = self.authenticate(batch)
        opened = []
        for offset, body in enumerate(batch.bodies):
            seq = batch.first_seq + offset
            plaintext = open_sealed(body, self.keys.exchange, device.device_id, seq)
            event = decode_event(seq, plaintext)
            opened.append((event, hashlib.sha256(plaintext).hexdigest()))
        for attempt in range(3):
            try:
                held, pulled = self._store(device.id, batch, data, opened, resume)
                break
            except IntegrityError:     # a concurrent upload won a race we did not lock out
                log.info("ingest race on device %s, retrying", device.device_id)
        else:
            raise GatewayError("could not store the batch, try again", status=503, code="busy")
        # latest_bundle_version is gateway.bundles' (the Gateway has every job)
        return encode_ack(self._shared_key(device), data, held, self.clock_ms(),
                          self.latest_bundle_version(), pulled)

    def authenticate(self, batch: Batch):
        """The enrolled device that sent `batch`, or SignatureError: its tag is
        checked with the key the gateway shares with it, its signature with its key."""
        device = self._sender(batch)
        if batch.tagged:
            verify_batch_tag(batch, self._shared_key(device))
        else:
            verify_batch(batch, load_ed25519_public(bytes(device.signing_key)))
        return device

    def _shared_key(self, device) -> bytes:
        return ack_key(self.keys.exchange, bytes(device.exchange_key))

    def _sender(self, batch: Batch):
        """The enrolled device a batch names: by its id (signed) or its tag (tagged)."""
        m = self.models
        if batch.tagged:
            device = m.Device.get_or_none(m.Device.tag == batch.device_tag)
        else:
            device = m.Device.get_or_none(m.Device.device_id == batch.device_id)
        if device is None:
            name = batch.device_tag or batch.device_id
            raise NotEnrolled(f"device {name} is not enrolled: enrol it with a token")
        return device

    def _store(self, device_pk: int, batch: Batch, data: bytes,
               opened: list[tuple[Event, str]], resume: bool) -> tuple[int, int]:
        """(held, pulled) of the device after storing what is new in the batch."""
        m = self.models
        now = self.clock_ms()
        with write(self.db):
            device = m.Device.get_by_id(device_pk)
            held = device.held_seq
            if batch.first_seq > held + 1 and not resume:
                opened = []         # a gap: the box sends again from held + 1
            elif batch.first_seq > held + 1:
                log.warning("device %s resumes at record %d: records %d to %d are no longer kept "
                            "by the box", device.device_id, batch.first_seq, held + 1,
                            batch.first_seq - 1)
            fresh = [(event, digest) for event, digest in opened if event.seq > held]
            clashes = []
            for event, digest in opened:
                if event.seq <= held:
                    held_digest = self._new_clash(device_pk, event.seq, digest)
                    if held_digest is not None:
                        clashes.append((event, digest, held_digest))
            new_held = fresh[-1][0].seq if fresh else held
            device.last_seen_ms = now
            device.skew_ms = now - batch.sent_ms if batch.sent_ms else None
            if not fresh and not clashes:
                device.save()
                return held, device.pulled_seq       # a retry or a replay: nothing new
            keep_ids_ahead_of(self.db, "record", now * 1000)
            row = m.BatchRow.create(device=device_pk, received_ms=now, sent_ms=batch.sent_ms,
                                    first_seq=batch.first_seq, last_seq=batch.last_seq,
                                    new_records=len(fresh), conflicts=len(clashes),
                                    held_after=new_held, digest=batch_digest(data), body=data)
            if fresh:
                insert_records(self.db, [
                    (device_pk, event.seq, event.type, event.hlc, event.created_at,
                     json.dumps(event.payload, ensure_ascii=False, sort_keys=True), digest,
                     row.id, now)
                    for event, digest in fresh])
            for event, digest, held_digest in clashes:
                m.RecordConflict.create(device=device_pk, seq=event.seq, held_digest=held_digest,
                                        new_digest=digest, type=event.type,
                                        payload=json.dumps(event.payload, ensure_ascii=False),
                                        batch=row.id, received_ms=now)
                log.error("CONFLICT: device %s sent seq %d again with other content; kept aside "
                          "in conflict table", device.device_id, event.seq)
            device.held_seq = new_held
            device.save()
            return new_held, device.pulled_seq

    def _new_clash(self, device_pk: int, seq: int, digest: str) -> str | None:
        """The held record's digest when a resent record differs from it and that
        difference is not kept aside yet; None for an honest retry."""
        m = self.models
        existing = m.Record.get_or_none((m.Record.device == device_pk) & (m.Record.seq == seq))
        if existing is None or existing.digest == digest:
            return None
        known = m.RecordConflict.select().where(
            (m.RecordConflict.device == device_pk) & (m.RecordConflict.seq == seq)
            & (m.RecordConflict.new_digest == digest)).exists()
        return None if known else existing.digest
