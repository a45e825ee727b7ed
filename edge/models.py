"""The box's tables as peewee models. The tables themselves are made by the
ordered migrations in `edge.schema`; these classes only read and write them.
The declared classes stay unbound: each `edge.db.Store` binds its own copies
(`store.models.Intake`)."""

from __future__ import annotations

from peewee import (BlobField, BooleanField, CharField, ForeignKeyField, IntegerField,
                    Model, TextField)

from edge.fields import JsonField, UtcDateTimeField

# waiting_*: the intake waits on the citizen (a missing paper) or the agency;
# the service-level clock stops meanwhile (setting sla.pause_statuses).
INTAKE_STATUSES = ("received", "in_progress", "waiting_citizen", "waiting_agency", "done",
                   "cancelled")
PAYMENT_METHODS = ("cash", "card")


class BaseModel(Model):
    class Meta:
        database = None
        legacy_table_names = False


class Office(BaseModel):
    code = CharField(unique=True)
    name = TextField()
    licence_number = TextField()
    licence_status = CharField(default="active")   # one of wire.bundle.LICENCE_STATES
    licence_expires = UtcDateTimeField(null=True)
    kind = CharField(default="fixed")  # fixed at an address, or mobile within an area


class User(BaseModel):
    username = CharField(unique=True)
    full_name = TextField()
    role = CharField()
    password_hash = TextField()
    active = BooleanField(default=True)
    created_at = UtcDateTimeField()
    card_uid = CharField(null=True, unique=True)
    login_epoch = IntegerField(default=0)   # moves on when every login of the user ends
    pin_hash = TextField(null=True)          # the card login's PIN, hashed like a password

    class Meta:
        table_name = "users"


class Service(BaseModel):
    code = CharField(unique=True)
    name_fa = TextField()
    name_en = TextField()
    agency = TextField()
    fields = JsonField(default=list)   # [{"name", "label_fa", "label_en", "required", "max_length"}]
    confidential = BooleanField(default=False)
    sla_hours = IntegerField()
    offered = BooleanField(default=True)

    def name(self, lang: str = "fa") -> str:
        return self.name_fa if lang == "fa" else self.name_en


class Tariff(BaseModel):
    service = ForeignKeyField(Service, backref="tariffs")
    fee_rials = IntegerField()
    effective_from = UtcDateTimeField()
    version = CharField()


class Intake(BaseModel):
    tracking_code = CharField(unique=True)
    service = ForeignKeyField(Service)
    tariff = ForeignKeyField(Tariff)
    fee_rials = IntegerField()
    tariff_version = CharField()
    national_code = CharField()
    full_name = TextField()
    mobile = CharField()
    fields = JsonField(default=dict)
    payment_method = CharField()
    payment_reference = TextField(default="")
    status = CharField(default="received")
    operator = ForeignKeyField(User)
    created_at = UtcDateTimeField()
    hlc = IntegerField()
    location = TextField(default="")


class IntakeStatusChange(BaseModel):
    intake = ForeignKeyField(Intake, backref="history")
    from_status = CharField(null=True)
    to_status = CharField()
    reason = TextField(default="")
    user = ForeignKeyField(User)
    at = UtcDateTimeField()
    hlc = IntegerField()


class AuditEntry(BaseModel):
    at = UtcDateTimeField()
    hlc = IntegerField()
    actor = TextField()
    action = CharField()
    subject = TextField()
    details = JsonField(default=dict)
    prev_hash = CharField()
    hash = CharField()


class OutboxRecord(BaseModel):
    seq = IntegerField(primary_key=True)
    event_type = CharField()
    hlc = IntegerField()
    created_at = UtcDateTimeField()
    sealing = CharField()
    body = BlobField()
    # When the gateway acknowledged it; the box keeps it `sync.keep_days` from
    # then unless the central system pulls it sooner (edge.outbox).
    acked_at = UtcDateTimeField(null=True)


class DeviceState(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class ApiToken(BaseModel):
    token_hash = CharField(unique=True)
    user = ForeignKeyField(User)
    created_at = UtcDateTimeField()
    expires_at = UtcDateTimeField()


MODELS = (Office, User, Service, Tariff, Intake, IntakeStatusChange, AuditEntry,
          OutboxRecord, DeviceState, ApiToken)
