"""Figures of a campaign, one table for all of them, and the results file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


@dataclass
class Figure:
    name: str
    value: object
    # A guarantee the README already claims: the figure must be 0 (or False).
    guaranteed_zero: bool = False

    @property
    def broken(self) -> bool:
        return self.guaranteed_zero and bool(self.value)


@dataclass
class Campaign:
    name: str
    what: str
    figures: list[Figure] = field(default_factory=list)

    def figure(self, name: str, value) -> None:
        self.figures.append(Figure(name, value))

    def guarantee(self, name: str, value) -> None:
        """A figure the README promises is zero; the short run fails otherwise."""
        self.figures.append(Figure(name, value, guaranteed_zero=True))

    def broken_guarantees(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.broken]

    def as_json(self) -> dict:
        return {"what": self.what, "figures": [
            {"name": f.name, "value": f.value, "guaranteed_zero": f.guaranteed_zero}
            for f in self.figures]}


def show(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(campaigns: list[Campaign]) -> str:
    """A Markdown table; a broken guarantee is marked **BROKEN**."""
    lines = ["| campaign | figure | value |", "|---|---|---|"]
    for campaign in campaigns:
        for figure in campaign.figures:
            mark = " **BROKEN**" if figure.broken else (" (claimed 0)" if figure.guaranteed_zero else "")
            lines.append(f"| {campaign.name} | {figure.name} | {show(figure.value)}{mark} |")
    return "\n".join(lines)


def write_results(campaigns: list[Campaign], seconds: dict[str, float], path: Path = RESULTS) -> None:
    document = {campaign.name: {**campaign.as_json(), "seconds": round(seconds[campaign.name], 1)}
                for campaign in campaigns}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
