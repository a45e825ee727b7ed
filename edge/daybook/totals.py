"""A business day's totals: the running totals (X) while it is open, and
what the close (Z) keeps. Amounts are integer rials.

The fees count on the intake's business day (fixed when it was written); an
approved cancellation gives its fee back on the day it was approved, as a
reversal, so a closed day's totals never change afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from edge.daybook import day_after_closes, jalali_day
from edge.fields import UtcDateTimeField, utc_text
from edge.jalali import IRAN

_INTAKES = """
    SELECT intake.tracking_code, service.code, service.name_fa, service.name_en,
           intake.fee_rials, intake.payment_method, card_payment.rrn, card_payment.card_last4,
           users.username, users.full_name
    FROM intake_day
    JOIN intake ON intake.id = intake_day.intake_id
    JOIN service ON service.id = intake.service_id
    JOIN users ON users.id = intake.operator_id
    LEFT JOIN card_payment ON card_payment.intake_id = intake.id
    WHERE intake_day.business_day = ? ORDER BY intake.id"""

# An approved cancellation is the intake's move to 'cancelled' (the reversal
# of issue 9's cancellation is written in that same transaction, with the
# same stamp). Its day is found from its time against the closes before it.
_CANCELLATIONS = """
    SELECT intake.tracking_code, intake.fee_rials, intake.payment_method,
           intake.payment_reference, operator.username, operator.full_name,
           change.at, change.hlc
    FROM intake_status_change AS change
    JOIN intake ON intake.id = change.intake_id
    JOIN users AS operator ON operator.id = intake.operator_id
    WHERE change.to_status = 'cancelled' AND change.at >= ? AND change.at < ?
    ORDER BY change.hlc"""


@dataclass
class _Operator:
    full_name: str
    intakes: int = 0
    cash_rials: int = 0
    card_rials: int = 0
    reversed_cash_rials: int = 0
    reversed_card_rials: int = 0


def day_totals(store, day: date) -> dict:
    """The totals of business day `day` as they stand now."""
    services: dict[str, dict] = {}
    payments = {"cash": {"intakes": 0, "rials": 0},
                "card": {"intakes": 0, "rials": 0, "references": []}}
    operators: dict[str, _Operator] = {}
    for (code, service, name_fa, name_en, fee, method, rrn, last4, username,
         full_name) in store.db.execute_sql(_INTAKES, (day.isoformat(),)):
        line = services.setdefault(service, {"code": service, "name_fa": name_fa,
                                             "name_en": name_en, "intakes": 0, "fees_rials": 0})
        line["intakes"] += 1
        line["fees_rials"] += fee
        payments[method]["intakes"] += 1
        payments[method]["rials"] += fee
        if method == "card":
            payments["card"]["references"].append(
                {"tracking_code": code, "rrn": rrn or "", "card_last4": last4 or "",
                 "rials": fee})
        person = operators.setdefault(username, _Operator(full_name))
        person.intakes += 1
        setattr(person, f"{method}_rials", getattr(person, f"{method}_rials") + fee)
    reversals = reversals_of(store, day)
    for item in reversals:
        person = operators.setdefault(item["operator"], _Operator(item["operator_name"]))
        name = f"reversed_{item['method']}_rials"
        setattr(person, name, getattr(person, name) + item["rials"])
    reversed_by = {method: sum(item["rials"] for item in reversals if item["method"] == method)
                   for method in ("cash", "card")}
    return {
        "date": jalali_day(day),
        "intakes": sum(line["intakes"] for line in services.values()),
        "fees_rials": sum(line["fees_rials"] for line in services.values()),
        "services": sorted(services.values(), key=lambda line: line["code"]),
        "payments": payments,
        "operators": [{"username": username, **vars(person),
                       "cash_expected_rials": person.cash_rials - person.reversed_cash_rials}
                      for username, person in sorted(operators.items())],
        "reversals": {"count": len(reversals), "rials": sum(reversed_by.values()),
                      "cash_rials": reversed_by["cash"], "card_rials": reversed_by["card"],
                      "items": reversals},
        "cash_expected_rials": payments["cash"]["rials"] - reversed_by["cash"],
        "card_net_rials": payments["card"]["rials"] - reversed_by["card"],
    }


def reversals_of(store, day: date) -> list[dict]:
    """The fees given back on business day `day` (approved cancellations)."""
    closes = store.db.execute_sql("SELECT business_day, hlc FROM day_close").fetchall()
    start = datetime.combine(day - timedelta(days=1), time(0, 0), IRAN)   # a late one of the eve
    end = datetime.combine(day + timedelta(days=1), time(0, 0), IRAN)
    found = []
    for (code, fee, method, reference, username, full_name, at,
         hlc) in store.db.execute_sql(_CANCELLATIONS, (utc_text(start), utc_text(end))):
        moment = UtcDateTimeField().python_value(at)
        closed = max((date.fromisoformat(closed_day) for closed_day, close_hlc in closes
                      if close_hlc < hlc), default=None)
        if day_after_closes(moment, closed) == day:
            found.append({"tracking_code": code, "rials": fee, "method": method,
                          "reference": reference, "operator": username,
                          "operator_name": full_name, "at": at})
    return found
