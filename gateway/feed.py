"""What the central system pulls, in gateway order: the opened records, the
batches they came in, and the records a box sent again with other content.

Asking for the page after `after` confirms every record up to `after`: each
device's `pulled_seq` moves up to its last record there, and the next
acknowledgement tells the box, which then drops the records it kept."""

from __future__ import annotations

import json
from typing import Any

from peewee import fn

from gateway.db import iso_ms, write
from gateway.job import GatewayJob


class Feed(GatewayJob):
    """The gateway's feed job (a part of gateway.service.Gateway)."""

    def feed(self, after: int, limit: int) -> dict[str, Any]:
        m = self.models
        self._confirm_pulled(after)
        query = (m.Record.select(m.Record, m.Device.device_id, m.Office.code)
                 .join(m.Device).join(m.Office).where(m.Record.id > after)
                 .order_by(m.Record.id).limit(limit))
        records = [{"id": r.id, "device": r.device.device_id, "office": r.device.office.code,
                    "seq": r.seq, "type": r.type, "hlc": r.hlc, "created_at": r.created_at,
                    "payload": json.loads(r.payload), "batch": r.batch_id,
                    "received_at": iso_ms(r.received_ms)} for r in query]
        return {"records": records, "next": str(records[-1]["id"] if records else after)}

    def _confirm_pulled(self, after: int) -> None:
        m = self.models
        if m.FeedPulled.get_by_id(1).up_to >= after:
            return       # a page asked again: nothing newly confirmed
        with write(self.db):
            confirmed = m.FeedPulled.get_by_id(1).up_to
            if confirmed >= after:
                return
            newly = (m.Record.select(m.Record.device, fn.MAX(m.Record.seq).alias("up_to"))
                     .where((m.Record.id > confirmed) & (m.Record.id <= after))
                     .group_by(m.Record.device))
            for row in newly:
                (m.Device.update(pulled_seq=row.up_to)
                 .where((m.Device.id == row.device_id) & (m.Device.pulled_seq < row.up_to))
                 .execute())
            # A cursor beyond the newest record (a restored database) confirms no
            # record that comes later.
            newest = m.Record.select(fn.MAX(m.Record.id)).scalar() or 0
            m.FeedPulled.update(up_to=min(after, newest)).where(m.FeedPulled.id == 1).execute()

    def batches(self, after: int, limit: int) -> dict[str, Any]:
        m = self.models
        row = m.BatchRow
        query = (row.select(row.id, row.received_ms, row.sent_ms, row.first_seq, row.last_seq,
                            row.new_records, row.conflicts, row.digest, m.Device.device_id,
                            m.Office.code)
                 .join(m.Device).join(m.Office).where(row.id > after)
                 .order_by(row.id).limit(limit))
        rows = [{"id": b.id, "device": b.device.device_id, "office": b.device.office.code,
                 "received_at": iso_ms(b.received_ms), "sent_at": iso_ms(b.sent_ms),
                 "first_seq": b.first_seq, "last_seq": b.last_seq, "new_records": b.new_records,
                 "conflicts": b.conflicts, "digest": b.digest} for b in query]
        return {"batches": rows, "next": str(rows[-1]["id"] if rows else after)}

    def conflicts(self) -> list[dict[str, Any]]:
        m = self.models
        return [{"device": c.device.device_id, "seq": c.seq, "type": c.type,
                 "held_digest": c.held_digest, "new_digest": c.new_digest,
                 "payload": json.loads(c.payload), "batch": c.batch_id,
                 "received_at": iso_ms(c.received_ms)}
                for c in (m.RecordConflict.select(m.RecordConflict, m.Device).join(m.Device)
                          .order_by(m.RecordConflict.id))]
