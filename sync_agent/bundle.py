"""Downlink bundles on the box: verify, then apply in one transaction.

A bundle is refused (and the last good one kept) when its signature does not
verify with the pinned centre key, when it is older than the one applied,
when it has the same version with other content, or when it has expired.
The reason is kept in words for `/sync`.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from edge.confidential.fields import install_reveal_roles
from edge.fields import utc_text
from edge.sla import records as service_levels
from sync_agent import state
from wire.bundle import bundle_digest, verify_bundle
from wire.encoding import load_ed25519_public
from wire.errors import ProtocolError

log = logging.getLogger(__name__)


class BundleRefused(ProtocolError):
    """A bundle the box will not apply; the text says why."""


def _applied(store):
    bundles = store.models.SyncBundle
    return bundles.get_or_none(bundles.id == 1)


def current_version(store) -> int:
    row = _applied(store)
    return row.version if row else 0


def current(store) -> dict | None:
    row = _applied(store)
    return json.loads(row.envelope)["bundle"] if row else None


def suppliers(store) -> list[dict]:
    bundle = current(store)
    return list(bundle.get("suppliers", [])) if bundle else []


def apply_envelope(box, envelope, centre_key: bytes, now: datetime) -> str:
    """Apply a signed bundle; returns what happened, in words. A refusal is
    recorded (state BUNDLE_ERROR) and returned, never raised."""
    try:
        bundle = check(box.store, envelope, bytes(centre_key), now)
        if bundle is None:
            return "bundle already applied"
        with box.store.write():
            apply(box, bundle, envelope, now)
            state.put(box.store, state.BUNDLE_ERROR, "")
    except BundleRefused as error:
        _refused(box, str(error))
        return f"bundle refused: {error}"
    except ProtocolError as error:
        _refused(box, f"bundle refused: {error}")
        return f"bundle refused: {error}"
    except (KeyError, TypeError, ValueError) as error:
        _refused(box, f"bundle refused: content not understood ({error})")
        return f"bundle refused: content not understood ({error})"
    log.info("bundle version %d applied", bundle["version"])
    return f"bundle version {bundle['version']} applied"


def _refused(box, reason: str) -> None:
    log.warning("%s", reason)
    with box.store.write():
        state.put(box.store, state.BUNDLE_ERROR, reason)


def check(store, envelope, centre_key: bytes, now: datetime) -> dict | None:
    """The bundle to apply, None when it is the one already applied, or BundleRefused."""
    bundle = verify_bundle(envelope, load_ed25519_public(centre_key))
    row = _applied(store)
    digest = bundle_digest(bundle)
    if row is not None:
        if bundle["version"] < row.version:
            raise BundleRefused(f"version {bundle['version']} is older than the applied {row.version}")
        if bundle["version"] == row.version:
            if digest != row.digest:
                raise BundleRefused(f"version {row.version} arrived again with other content")
            return None
    expires = _moment(bundle["expires_at"], "expires_at")
    if expires <= now:
        raise BundleRefused(f"version {bundle['version']} expired at {bundle['expires_at']}")
    return bundle


def apply(box, bundle: dict, envelope: dict, now: datetime) -> None:
    """Catalogue, tariffs, licence, assigned services, holidays and service-level
    targets; inside a write transaction."""
    models = box.store.models
    Service, Tariff, Office = models.Service, models.Tariff, models.Office   # this box's own
    office_part = bundle["office"]
    assigned = set(office_part.get("services") or [])
    tariff_version = f"bundle-{bundle['version']}"
    for entry in bundle["services"]:
        values = {"name_fa": entry["name_fa"], "name_en": entry.get("name_en", entry["name_fa"]),
                  "agency": entry.get("agency", ""), "fields": entry.get("fields", []),
                  "confidential": bool(entry.get("confidential", False)),
                  "sla_hours": int(entry.get("sla_hours", 72)),
                  "offered": entry["code"] in assigned}
        service, created = Service.get_or_create(code=entry["code"], defaults=values)
        if not created:
            Service.update(**values).where(Service.id == service.id).execute()
    known = {entry["code"] for entry in bundle["services"]}
    Service.update(offered=False).where(Service.code.not_in(known)).execute()
    for entry in bundle["tariffs"]:
        service = Service.get_or_none(Service.code == entry["service"])
        if service is None:
            raise BundleRefused(f"tariff for unknown service {entry['service']}")
        fee = entry["fee_rials"]
        if not isinstance(fee, int) or isinstance(fee, bool) or fee < 0:
            raise BundleRefused(f"tariff of {entry['service']}: fee must be whole rials")
        (Tariff.insert(service=service, fee_rials=fee,
                       effective_from=_moment(entry["effective_from"], "effective_from"),
                       version=str(entry.get("version", tariff_version)))
         .on_conflict(conflict_target=[Tariff.service, Tariff.effective_from],
                      update={Tariff.fee_rials: fee,
                              Tariff.version: str(entry.get("version", tariff_version))})
         .execute())
    office = Office.select().first()
    licence_expires = office_part.get("licence_expires")
    values = {"licence_status": office_part.get("licence_status", "active"),
              "licence_number": office_part.get("licence_number", "") or "",
              "licence_expires": _moment(licence_expires, "licence_expires")
              if licence_expires else None}
    if office_part.get("name"):
        values["name"] = office_part["name"]
    if office is None:
        Office.create(code=office_part["code"], **values)
    else:
        Office.update(**values).where(Office.id == office.id).execute()
    service_levels.install_from_bundle(box.store, bundle)
    install_reveal_roles(box.store, bundle["services"])
    models.SyncBundle.insert(id=1, version=bundle["version"], digest=bundle_digest(bundle),
                      issued_at=bundle["issued_at"], expires_at=bundle["expires_at"],
                      envelope=json.dumps(envelope, ensure_ascii=False),
                      applied_at=utc_text(now)).on_conflict_replace().execute()
    box.events.record("centre", "bundle.applied", str(bundle["version"]),
                      {"services": len(bundle["services"]), "tariffs": len(bundle["tariffs"]),
                       "licence_status": values["licence_status"]})


def _moment(text, what: str) -> datetime:
    """ISO date or date-time; a bare date is midnight UTC."""
    if not isinstance(text, str):
        raise BundleRefused(f"{what} is not a date")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BundleRefused(f"{what} {text!r} is not an ISO date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
