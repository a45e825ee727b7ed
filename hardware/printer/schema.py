"""The printer's tables: the durable print job queue and the last status the
printer reported. Append migrations, never edit a released one."""

from __future__ import annotations

from peewee import CharField, IntegerField, Model, TextField

from edge.db import run_sql
from edge.fields import UtcDateTimeField

NAME = "hardware.printer"

QUEUED, PRINTING, DONE, FAILED = "queued", "printing", "done", "failed-will-retry"
JOB_STATES = (QUEUED, PRINTING, DONE, FAILED)


class PrintJob(Model):
    kind = CharField()                    # receipt | test
    tracking_code = CharField(default="")
    receipt = TextField()                 # Receipt.to_json(): reprints need nothing else
    state = CharField(default=QUEUED)
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    last_error_code = CharField(default="")    # escpos.STATE_CODES, render_failed, interrupted
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    next_attempt_at = UtcDateTimeField()
    printed_at = UtcDateTimeField(null=True)
    reprint_of = IntegerField(null=True)

    class Meta:
        table_name = "printer_job"
        database = None


class PrinterStatusRecord(Model):
    """One row: what the printer said when the worker last asked."""
    id = IntegerField(primary_key=True)
    url = TextField()
    state = TextField()
    details = TextField()                 # PrinterStatus.as_dict() as JSON
    checked_at = UtcDateTimeField()

    class Meta:
        table_name = "printer_status"
        database = None


MODELS = (PrintJob, PrinterStatusRecord)

_V1 = run_sql(
    """CREATE TABLE printer_job (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('receipt', 'test')),
        tracking_code TEXT NOT NULL DEFAULT '',
        receipt TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'printing', 'done', 'failed-will-retry')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        last_error_code TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        printed_at TEXT,
        reprint_of INTEGER REFERENCES printer_job (id))""",
    "CREATE INDEX printer_job_pending ON printer_job (state, next_attempt_at)",
    "CREATE INDEX printer_job_tracking ON printer_job (tracking_code)",
    """CREATE TABLE printer_status (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        url TEXT NOT NULL,
        state TEXT NOT NULL,
        details TEXT NOT NULL,
        checked_at TEXT NOT NULL)""",
)

MIGRATIONS = [_V1]
