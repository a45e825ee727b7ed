"""`edge check`: is the store sound and is the audit chain unbroken?"""

from __future__ import annotations

from dataclasses import dataclass, field

from edge import audit


@dataclass
class CheckReport:
    integrity_problems: list[str] = field(default_factory=list)
    audit_entries: int = 0
    first_broken_entry: int | None = None
    audit_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.integrity_problems and self.first_broken_entry is None

    def lines(self) -> list[str]:
        lines = ["database integrity: " + ("ok" if not self.integrity_problems
                                           else "; ".join(self.integrity_problems[:5]))]
        if self.first_broken_entry is None:
            lines.append(f"audit chain: ok ({self.audit_entries} entries)")
        else:
            lines.append(f"audit chain: broken at entry {self.first_broken_entry}: "
                         f"{self.audit_problem}")
        return lines


def check_box(store) -> CheckReport:
    report = CheckReport(integrity_problems=store.integrity_errors())
    report.audit_entries = store.models.AuditEntry.select().count()
    broken = audit.first_broken(store)
    if broken:
        report.first_broken_entry, report.audit_problem = broken
    return report
