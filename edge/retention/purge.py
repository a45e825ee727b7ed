"""Purging the personal fields of intakes the centre holds and the office no
longer needs, in batches, each batch one transaction with its audit entry.

SQLite is asked to overwrite what it frees (`PRAGMA secure_delete`) and the
write-ahead log is checkpointed and truncated afterwards, so the old values
are gone from the database file and its log, not only from the tables.
Backups made earlier (`edge backup`) still hold them; they age out with the
backups themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from edge.worker import Chore

BATCH = 500
FINISHED = ("done", "cancelled")
IDLE_SECONDS = 3600.0
EMPTY = {"national_code": "", "full_name": "", "mobile": "", "fields": {}}


@dataclass(frozen=True)
class PurgeReport:
    due: int          # intakes whose personal fields may go now
    purged: int       # of those, purged by this run (0 on a dry run)
    days: int

    def as_dict(self) -> dict:
        return {"due": self.due, "purged": self.purged, "days": self.days}


def centre_holds_below(store) -> int | None:
    """The hybrid-clock time below which the centre has acknowledged every
    event of this box: that of the oldest record still in the outbox (an
    acknowledgement deletes records), or None when nothing waits. Events are
    numbered and stamped in one order under the store's one writer, so an
    intake whose events are all older than that record is held by the centre.
    The one place that says what "confirmed" means: switch it here when the
    outbox keeps acknowledged records."""
    record = store.models.OutboxRecord
    oldest = record.select(record.hlc).order_by(record.seq).first()
    return oldest.hlc if oldest is not None else None


def due(store, days: int, now: datetime) -> list:
    """The intakes whose personal fields may go: done or cancelled, taken at
    least `days` ago, every event of theirs held by the centre, not purged
    yet; oldest first."""
    models = store.models
    intake, change, purged = models.Intake, models.IntakeStatusChange, models.Purged
    query = (intake.select(intake.id, intake.tracking_code)
             .where(intake.status.in_(FINISHED)
                    & (intake.created_at < now - timedelta(days=days))
                    & ~fn.EXISTS(purged.select().where(purged.intake == intake.id)))
             .order_by(intake.id))
    below = centre_holds_below(store)
    if below is not None:
        latest_event = change.select(fn.MAX(change.hlc)).where(change.intake == intake.id)
        query = query.where(latest_event < below)
    return list(query)


def _purge_batch(box, batch: list, days: int) -> None:
    """One batch, with its audit entry, in one transaction."""
    models = box.store.models
    ids = [row.id for row in batch]
    with box.store.write() as db:
        db.execute_sql("PRAGMA secure_delete = ON")   # freed bytes are overwritten, not left
        models.Intake.update(**EMPTY).where(models.Intake.id.in_(ids)).execute()
        models.SealedFields.delete().where(models.SealedFields.intake.in_(ids)).execute()
        models.RatingRequest.update(mobile="").where(
            models.RatingRequest.intake.in_(ids)).execute()
        models.CitizenReply.update(sender="", text="").where(
            models.CitizenReply.intake.in_(ids)).execute()
        stamp = box.events.record(
            "retention", "retention.purged", f"{len(ids)} intakes",
            {"days": days, "tracking_codes": [row.tracking_code for row in batch]})
        models.Purged.insert_many([{"intake": intake_id, "purged_at": stamp.at}
                                   for intake_id in ids]).execute()


def purge(box, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Purge what is due (or, with `dry_run`, only count it)."""
    days = box.settings["retention.days"]
    found = due(box.store, days, now or box.clock.now())
    if dry_run or not found:
        return PurgeReport(len(found), 0, days)
    for start in range(0, len(found), BATCH):
        _purge_batch(box, found[start:start + BATCH], days)
    # the old pages leave the log for the file, where they were overwritten
    box.store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return PurgeReport(len(found), len(found), days)


def worker(box) -> Chore:
    """`purge` once an hour, with `edge run`."""
    return Chore("retention", lambda: purge(box), IDLE_SECONDS)
