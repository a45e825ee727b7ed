"""The confidential fields' tables: each confidential intake's personal
fields, encrypted, and the roles each confidential service shows them to."""

from __future__ import annotations

from peewee import BlobField, CharField, ForeignKeyField

from edge.db import run_sql
from edge.fields import JsonField
from edge.models import BaseModel, Intake, Service

NAME = "confidential"


class SealedFields(BaseModel):
    intake = ForeignKeyField(Intake, primary_key=True)
    key_id = CharField()
    sealed = BlobField()

    class Meta:
        table_name = "confidential_fields"


class RevealRoles(BaseModel):
    service = ForeignKeyField(Service, primary_key=True)
    roles = JsonField()

    class Meta:
        table_name = "confidential_reveal_roles"


MIGRATIONS = [run_sql(
    """CREATE TABLE confidential_fields (
        intake_id INTEGER PRIMARY KEY REFERENCES intake (id),
        key_id TEXT NOT NULL,
        sealed BLOB NOT NULL)""",
    """CREATE TABLE confidential_reveal_roles (
        service_id INTEGER PRIMARY KEY REFERENCES service (id),
        roles TEXT NOT NULL)""",
)]
MODELS = (SealedFields, RevealRoles)
