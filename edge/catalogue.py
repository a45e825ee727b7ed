"""The service catalogue and its tariffs.

In the field both come from the centre in a signed bundle (see `sync_agent`);
`install_catalogue` is the one way they enter the store, for the bundle and
for the demo alike.
"""

from __future__ import annotations

from datetime import datetime, timezone

from edge.errors import InvalidInput
from edge.events import EventLog
from edge.intake import tariff_in_force
from edge.models import Service, Tariff

DEMO_VERSION = "demo-1405-01"
DEMO_EFFECTIVE = datetime(2026, 3, 21, tzinfo=timezone.utc)  # 1 Farvardin 1405


def _field(name, label_fa, label_en, required=True, max_length=40, digits=False):
    return {"name": name, "label_fa": label_fa, "label_en": label_en,
            "required": required, "max_length": max_length, "digits": digits}


# Real kinds of pishkhan counter services; fees in rials.
DEMO_SERVICES = [
    {"code": "SMART-ID", "name_fa": "درخواست کارت هوشمند ملی",
     "name_en": "Smart national card request", "agency": "سازمان ثبت احوال کشور",
     "sla_hours": 72, "fee_rials": 1_850_000,
     "fields": [_field("request_kind", "نوع درخواست (صدور اول یا المثنی)",
                       "Request kind (first issue or replacement)")]},
    {"code": "DRIVING-RENEW", "name_fa": "تمدید گواهینامهٔ رانندگی",
     "name_en": "Driver's licence renewal", "agency": "پلیس راهور فراجا",
     "sla_hours": 240, "fee_rials": 2_400_000,
     "fields": [_field("licence_number", "شمارهٔ گواهینامه", "Licence number", digits=True,
                       max_length=12)]},
    {"code": "HEALTH-INS", "name_fa": "ثبت‌نام بیمهٔ سلامت",
     "name_en": "Health insurance registration", "agency": "سازمان بیمهٔ سلامت ایران",
     "sla_hours": 48, "fee_rials": 450_000, "fields": []},
    {"code": "SANA-REG", "name_fa": "ثبت‌نام سامانهٔ ثنا (خدمات الکترونیک قضایی)",
     "name_en": "Judicial e-services (SANA) registration", "agency": "قوهٔ قضاییه",
     "sla_hours": 24, "fee_rials": 350_000, "confidential": True, "fields": []},
    {"code": "POST-PARCEL", "name_fa": "ارسال مرسولهٔ پستی",
     "name_en": "Postal parcel", "agency": "شرکت ملی پست",
     "sla_hours": 96, "fee_rials": 780_000,
     "fields": [_field("postcode", "کد پستی مقصد", "Destination postcode", digits=True,
                       max_length=10),
                _field("weight_grams", "وزن (گرم)", "Weight (grams)", digits=True,
                       max_length=6)]},
    {"code": "SOCIAL-RECORD", "name_fa": "استعلام سوابق بیمهٔ تأمین اجتماعی",
     "name_en": "Social-security contribution records", "agency": "سازمان تأمین اجتماعی",
     "sla_hours": 24, "fee_rials": 250_000,
     "fields": [_field("insurance_number", "شمارهٔ بیمه", "Insurance number", digits=True,
                       max_length=10)]},
    {"code": "BILL-PAY", "name_fa": "پرداخت قبض", "name_en": "Bill payment",
     "agency": "شرکت‌های آب، برق، گاز و مخابرات", "sla_hours": 1, "fee_rials": 50_000,
     "fields": [_field("bill_id", "شناسهٔ قبض", "Bill ID", digits=True, max_length=13),
                _field("payment_id", "شناسهٔ پرداخت", "Payment ID", digits=True,
                       max_length=13)]},
]


def install_catalogue(store, events: EventLog, services: list[dict], version: str,
                      effective_from: datetime, actor: str = "centre") -> int:
    """Add or update services and their tariffs from `version`, in one transaction.
    Returns how many services it touched."""
    Service, Tariff = store.models.Service, store.models.Tariff   # this store's own classes
    with store.write():
        for entry in services:
            service, _ = Service.get_or_create(code=entry["code"], defaults=_service_values(entry))
            Service.update(**_service_values(entry)).where(Service.id == service.id).execute()
            (Tariff.insert(service=service, fee_rials=entry["fee_rials"],
                           effective_from=effective_from, version=version)
             .on_conflict(conflict_target=[Tariff.service, Tariff.effective_from],
                          update={Tariff.fee_rials: entry["fee_rials"], Tariff.version: version})
             .execute())
        events.record(actor, "catalogue.installed", version, {"services": len(services)})
    return len(services)


def _service_values(entry: dict) -> dict:
    return {"name_fa": entry["name_fa"], "name_en": entry["name_en"], "agency": entry["agency"],
            "fields": entry.get("fields", []), "confidential": entry.get("confidential", False),
            "sla_hours": entry["sla_hours"], "offered": entry.get("offered", True)}


def services_with_fees(store, at: datetime) -> list[tuple[Service, Tariff | None]]:
    """Every offered service with the tariff in force at `at`."""
    result = []
    services = store.models.Service
    offered = services.select().where(services.offered == True)  # noqa: E712 (SQL, not Python)
    for service in offered.order_by(services.id):
        try:
            result.append((service, tariff_in_force(store, service, at)))
        except InvalidInput:
            result.append((service, None))
    return result
