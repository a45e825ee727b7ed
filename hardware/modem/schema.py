"""Tables of the SMS outbox and inbox (component `hardware.modem`)."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField, Model, TextField

from edge.db import run_sql

NAME = "hardware.modem"

MIGRATIONS = [
    run_sql(
        """CREATE TABLE sms_outbox (
            id INTEGER PRIMARY KEY,
            recipient TEXT NOT NULL,
            text TEXT NOT NULL,
            purpose TEXT NOT NULL DEFAULT '',
            reference TEXT,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            last_error_fa TEXT,
            parts INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            delivered_at TEXT)""",
        "CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at)",
        """CREATE TABLE sms_outbox_part (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES sms_outbox (id) ON DELETE CASCADE,
            sequence INTEGER NOT NULL,
            network_reference INTEGER NOT NULL,
            sent_at TEXT NOT NULL,
            report_status INTEGER,
            reported_at TEXT,
            UNIQUE (message_id, sequence))""",
        "CREATE INDEX sms_outbox_part_reference ON sms_outbox_part (network_reference)",
        """CREATE TABLE sms_inbox (
            id INTEGER PRIMARY KEY,
            sender TEXT NOT NULL,
            text TEXT NOT NULL,
            sent_at TEXT,
            received_at TEXT NOT NULL,
            parts INTEGER NOT NULL DEFAULT 1)""",
        """CREATE TABLE sms_inbox_part (
            id INTEGER PRIMARY KEY,
            sender TEXT NOT NULL,
            concat_reference INTEGER NOT NULL,
            total INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            text TEXT NOT NULL,
            sent_at TEXT,
            received_at TEXT NOT NULL,
            UNIQUE (sender, concat_reference, total, sequence))""",
    ),
    # A citizen's "11" (stop) and "12" (resume), newest last; the latest row per number rules.
    run_sql(
        """CREATE TABLE sms_opt_out (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL,
            opted_out INTEGER NOT NULL CHECK (opted_out IN (0, 1)),
            inbox_id INTEGER REFERENCES sms_inbox (id),
            at TEXT NOT NULL)""",
        "CREATE INDEX sms_opt_out_number ON sms_opt_out (number, id)",
    ),
]


class SmsMessage(Model):
    recipient = TextField()
    text = TextField()
    purpose = TextField(default="")
    reference = TextField(null=True)
    status = TextField(default="queued")
    attempts = IntegerField(default=0)
    next_attempt_at = TextField()
    last_error = TextField(null=True)
    last_error_fa = TextField(null=True)
    parts = IntegerField(default=1)
    created_at = TextField()
    sent_at = TextField(null=True)
    delivered_at = TextField(null=True)

    class Meta:
        table_name = "sms_outbox"


class SmsPart(Model):
    message = ForeignKeyField(SmsMessage, backref="sent_parts", on_delete="CASCADE")
    sequence = IntegerField()
    network_reference = IntegerField()
    sent_at = TextField()
    report_status = IntegerField(null=True)
    reported_at = TextField(null=True)

    class Meta:
        table_name = "sms_outbox_part"


class SmsReceived(Model):
    sender = TextField()
    text = TextField()
    sent_at = TextField(null=True)
    received_at = TextField()
    parts = IntegerField(default=1)

    class Meta:
        table_name = "sms_inbox"


class SmsReceivedPart(Model):
    sender = TextField()
    concat_reference = IntegerField()
    total = IntegerField()
    sequence = IntegerField()
    text = TextField()
    sent_at = TextField(null=True)
    received_at = TextField()

    class Meta:
        table_name = "sms_inbox_part"


class SmsOptOut(Model):
    number = TextField()
    opted_out = IntegerField()
    inbox = ForeignKeyField(SmsReceived, null=True, column_name="inbox_id")
    at = TextField()

    class Meta:
        table_name = "sms_opt_out"


MODELS = [SmsMessage, SmsPart, SmsReceived, SmsReceivedPart, SmsOptOut]
