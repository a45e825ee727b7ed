"""The sync agent's tables on the box: enrolment with the pinned gateway
keys, the agent's durable state, and the last good downlink bundle."""

from __future__ import annotations

from peewee import BlobField, CharField, IntegerField, Model, TextField

from edge.db import run_sql

NAME = "sync_agent"


class SyncModel(Model):
    class Meta:
        database = None


class SyncEnrolment(SyncModel):
    """One row once the box is enrolled: whom it talks to and the keys it pinned."""
    id = IntegerField(primary_key=True)
    gateway_url = TextField()
    device_id = CharField()
    tag = CharField()
    office = CharField()
    centre_key = BlobField()      # Ed25519: verifies bundles
    exchange_key = BlobField()    # X25519: what every record is sealed to
    enrolled_at = TextField()

    class Meta:
        table_name = "sync_enrolment"


class SyncState(SyncModel):
    """Durable facts about the link: acked seq, last success, last error, skew..."""
    key = CharField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "sync_state"


class SyncBundle(SyncModel):
    """The last good bundle applied (one row), kept to refuse older ones."""
    id = IntegerField(primary_key=True)
    version = IntegerField()
    digest = CharField()
    issued_at = TextField()
    expires_at = TextField()
    envelope = TextField()
    applied_at = TextField()

    class Meta:
        table_name = "sync_bundle"


MODELS = (SyncEnrolment, SyncState, SyncBundle)

MIGRATIONS = [
    run_sql(
        """CREATE TABLE sync_enrolment (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            gateway_url TEXT NOT NULL,
            device_id TEXT NOT NULL,
            tag TEXT NOT NULL,
            office TEXT NOT NULL,
            centre_key BLOB NOT NULL,
            exchange_key BLOB NOT NULL,
            enrolled_at TEXT NOT NULL)""",
        """CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE sync_bundle (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            envelope TEXT NOT NULL,
            applied_at TEXT NOT NULL)""",
    ),
]
