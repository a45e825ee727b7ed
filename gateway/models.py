"""The gateway's tables as peewee models, built per database.

Each gateway store gets its own classes bound to its own database (peewee
binds a model class to one database), so two gateways live in one process,
each on its own file, and no code reaches a database it was not given.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import (BigIntegerField, BlobField, BooleanField, CharField, Database,
                    ForeignKeyField, IntegerField, Model, TextField)


@dataclass(frozen=True)
class GatewayModels:
    """One gateway's model classes, all bound to its database."""
    Office: type[Model]
    EnrollToken: type[Model]
    Device: type[Model]
    ApiKey: type[Model]
    BatchRow: type[Model]
    Record: type[Model]
    RecordConflict: type[Model]     # a record sent again with other content (a table, not an error)
    Bundle: type[Model]
    FeedPulled: type[Model]         # one row: the feed id the central system has confirmed


def build_models(db: Database) -> GatewayModels:
    """Fresh model classes bound to `db`: the class bodies run once per call."""

    class BaseModel(Model):
        class Meta:
            database = db

    class Office(BaseModel):
        code = CharField(unique=True)
        name = TextField()
        created_ms = BigIntegerField()

        class Meta:
            table_name = "office"

    class EnrollToken(BaseModel):
        token_hash = CharField(unique=True)
        office = ForeignKeyField(Office, column_name="office_id")
        created_ms = BigIntegerField()
        expires_ms = BigIntegerField()
        used_ms = BigIntegerField(null=True)
        used_by = CharField(null=True)

        class Meta:
            table_name = "enroll_token"

    class Device(BaseModel):
        device_id = CharField(unique=True)
        tag = CharField(unique=True)
        office = ForeignKeyField(Office, column_name="office_id")
        signing_key = BlobField()
        exchange_key = BlobField()
        enrolled_ms = BigIntegerField()
        held_seq = BigIntegerField(default=0)
        pulled_seq = BigIntegerField(default=0)     # the central system has pulled up to it
        last_seen_ms = BigIntegerField(null=True)
        skew_ms = BigIntegerField(null=True)

        class Meta:
            table_name = "device"

    class ApiKey(BaseModel):
        name = CharField()
        key_hash = CharField(unique=True)
        created_ms = BigIntegerField()
        revoked = BooleanField(default=False)

        class Meta:
            table_name = "api_key"

    class BatchRow(BaseModel):
        device = ForeignKeyField(Device, column_name="device_id")
        received_ms = BigIntegerField()
        sent_ms = BigIntegerField()
        first_seq = BigIntegerField()
        last_seq = BigIntegerField()
        new_records = IntegerField()
        conflicts = IntegerField()
        held_after = BigIntegerField()
        digest = CharField()
        body = BlobField()     # the signed batch, as evidence

        class Meta:
            table_name = "batch"

    class Record(BaseModel):
        device = ForeignKeyField(Device, column_name="device_id")
        seq = BigIntegerField()
        type = CharField()
        hlc = BigIntegerField()
        created_at = CharField()
        payload = TextField()
        digest = CharField()
        batch = ForeignKeyField(BatchRow, column_name="batch_id")
        received_ms = BigIntegerField()

        class Meta:
            table_name = "record"

    class RecordConflict(BaseModel):
        device = ForeignKeyField(Device, column_name="device_id")
        seq = BigIntegerField()
        held_digest = CharField()
        new_digest = CharField()
        type = CharField()
        payload = TextField()
        batch = ForeignKeyField(BatchRow, column_name="batch_id")
        received_ms = BigIntegerField()

        class Meta:
            table_name = "conflict"

    class Bundle(BaseModel):
        version = BigIntegerField(unique=True)
        issued_at = CharField()
        expires_at = CharField()
        document = TextField()      # JSON: services, tariffs, suppliers, offices
        digest = CharField()
        published_ms = BigIntegerField()

        class Meta:
            table_name = "bundle"

    class FeedPulled(BaseModel):
        up_to = BigIntegerField()

        class Meta:
            table_name = "feed_pulled"

    return GatewayModels(Office, EnrollToken, Device, ApiKey, BatchRow, Record, RecordConflict,
                         Bundle, FeedPulled)
