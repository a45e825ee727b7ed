"""Batch ingest: verify, open and store each (device, seq) at most once, and
answer the highest contiguous sequence held.

Crypto work (signature, opening each record) is done before the write
transaction, so the one serialising lock is held only for the few inserts.
"""

from __future__ import annotations

import hashlib
import json
import logging

from peewee import IntegrityError

from gateway.db import insert_records, write
from gateway.errors import GatewayError, NotEnrolled
from gateway.job import GatewayJob
from wire.ack import ack_key, encode_ack
from wire.batch import Batch, batch_digest, decode_batch, verify_batch, verify_batch_tag
from wire.encoding import load_ed25519_public
from wire.records import Event, decode_event, open_sealed

log = logging.getLogger(__name__)


class BatchIngest(GatewayJob):
    """The gateway's ingest job (a part of gateway.service.Gateway)."""

    def ingest(self, data: bytes) -> bytes:
        """Verify, open and store one batch; the binary ack."""
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
                held = self._store(device.id, batch, data, opened)
                break
            except IntegrityError:     # a concurrent upload won a race we did not lock out
                log.info("ingest race on device %s, retrying", device.device_id)
        else:
            raise GatewayError("could not store the batch, try again", status=503, code="busy")
        # latest_bundle_version is gateway.bundles' (the Gateway has every job)
        return encode_ack(self._shared_key(device), data, held, self.clock_ms(),
                          self.latest_bundle_version())

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
               opened: list[tuple[Event, str]]) -> int:
        m = self.models
        now = self.clock_ms()
        with write(self.db):
            device = m.Device.get_by_id(device_pk)
            held = device.held_seq
            fresh, clashes = [], []
            for event, digest in opened:
                if event.seq <= held:
                    held_digest = self._new_clash(device_pk, event.seq, digest)
                    if held_digest is not None:
                        clashes.append((event, digest, held_digest))
                elif event.seq == held + 1 + len(fresh):
                    fresh.append((event, digest))
                else:
                    break   # a gap: the box resends from held + 1
            new_held = held + len(fresh)
            device.last_seen_ms = now
            device.skew_ms = now - batch.sent_ms if batch.sent_ms else None
            if not fresh and not clashes:
                device.save()
                return held        # a retry or a replay: nothing new
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
            return new_held

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
