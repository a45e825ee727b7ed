"""A confidential intake's personal fields: masked in its row, encrypted
beside it, opened for an allowed role with an audit entry each time."""

from __future__ import annotations

import json

from edge.confidential.keyring import Keyring
from edge.errors import Forbidden
from edge.events import EventLog
from edge.roles import SUPERVISOR

PERSONAL = ("national_code", "full_name", "mobile", "fields")
DEFAULT_REVEAL_ROLES = (SUPERVISOR,)
DOT = "●"


def mask(values: dict) -> dict:
    """What lists, searches and most roles see: the last digits only."""
    return {"national_code": DOT * 7 + values["national_code"][-3:],
            "full_name": DOT * 5,
            "mobile": "+98" + DOT * 8 + values["mobile"][-2:],
            "fields": {name: DOT * 3 for name in values["fields"]}}


class ConfidentialFields:
    def __init__(self, store, keyring: Keyring, events: EventLog):
        self.store = store
        self.keyring = keyring
        self.events = events

    def seal(self, intake_id: int, tracking_code: str, values: dict) -> None:
        """Keep `values` encrypted for the intake; inside its write transaction."""
        plain = json.dumps({name: values[name] for name in PERSONAL}, ensure_ascii=False)
        key_id, sealed = self.keyring.seal(plain.encode("utf-8"), tracking_code.encode())
        self.store.models.SealedFields.insert(intake=intake_id, key_id=key_id,
                                              sealed=sealed).execute()

    def may_reveal(self, service, role: str) -> bool:
        access = self.store.models.RevealRoles.get_or_none(
            self.store.models.RevealRoles.service == service.id)
        return role in (access.roles if access else DEFAULT_REVEAL_ROLES)

    def reveal(self, intake, user) -> dict:
        """The whole personal fields, for a role the service allows; audited."""
        if not self.may_reveal(intake.service, user.role):
            raise Forbidden("confidential.not_allowed")
        row = self.store.models.SealedFields.get_or_none(
            self.store.models.SealedFields.intake == intake.id)
        if row is None:   # purged after the retention period (edge.retention): nothing to show
            return {name: getattr(intake, name) for name in PERSONAL}
        plain = self.keyring.open(row.key_id, bytes(row.sealed), intake.tracking_code.encode())
        with self.store.write():
            self.events.record(user.username, "intake.confidential_viewed", intake.tracking_code,
                               {"role": user.role})
        return json.loads(plain)

    def rotate(self) -> int:
        """A new key; every sealed row encrypted again under it; old keys dropped.
        Returns how many rows were encrypted again."""
        models = self.store.models
        self.keyring.add_key()
        with self.store.write():
            rows = list(models.SealedFields.select(models.SealedFields, models.Intake)
                        .join(models.Intake))
            for row in rows:
                context = row.intake.tracking_code.encode()
                plain = self.keyring.open(row.key_id, bytes(row.sealed), context)
                key_id, sealed = self.keyring.seal(plain, context)
                (models.SealedFields.update(key_id=key_id, sealed=sealed)
                 .where(models.SealedFields.intake == row.intake_id).execute())
            self.events.record("console", "confidential.key_rotated", self.keyring.active,
                               {"rows": len(rows)})
        self.keyring.drop_all_but_active()
        return len(rows)


def install_reveal_roles(store, services: list[dict]) -> None:
    """From the bundle: `confidential_roles` of each service (default: supervisors)."""
    models = store.models
    known = {row.code: row.id for row in models.Service.select(models.Service.code, models.Service.id)}
    models.RevealRoles.delete().execute()
    for entry in services:
        roles = entry.get("confidential_roles")
        if roles is None:
            continue
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise ValueError(f"confidential_roles of {entry['code']} must be a list of roles")
        models.RevealRoles.create(service=known[entry["code"]], roles=roles)
