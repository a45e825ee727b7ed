"""The reports' pictures and export: the performance figures of a Jalali date
range (`edge.performance.figures`) as SVG bar charts and as a CSV file that
Excel opens with the Persian intact. The page itself is `/reports`
(`web.portal.dashboard`), which shows the charts and the tables."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Callable

from flask import Blueprint, Response, abort, current_app, g, request

from edge import jalali
from edge.daybook import jalali_day
from edge.digits import group_thousands
from edge.errors import InvalidInput
from edge.performance.figures import MAX_DAYS, Figures, Named, Tally, figures
from edge.roles import SUPERVISOR_ROLES
from web.portal.access import roles_required
from web.portal.charts import SVG_CSP, Series, bar_chart
from web.portal.i18n import N_, digits, gettext

blueprint = Blueprint("performance", __name__)

BOM = "\ufeff"   # Excel reads a CSV as UTF-8 only after it
# Text a spreadsheet would take for a formula: a quote before it keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_range() -> tuple[date, date]:
    """The report's first and last day from the address (`from`, `to`, Jalali),
    today by default; InvalidInput names the field that is wrong."""
    today = current_app.config["BOX"].clock.now().astimezone(jalali.IRAN).date()
    first = _date_arg("from") or today
    last = _date_arg("to") or today
    if last < first:
        raise InvalidInput("report.range_reversed", "to")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("report.range_too_long", "to", days=MAX_DAYS)
    return first, last


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return jalali.parse_date(raw)
    except ValueError:
        raise InvalidInput("date.jalali", name) from None


def range_figures() -> Figures:
    """The figures of the range the address asks for (InvalidInput when it is wrong)."""
    box = current_app.config["BOX"]
    first, last = report_range()
    return figures(box.store, box.settings, first, last, box.clock.now())


# --- charts -------------------------------------------------------------------------

@dataclass(frozen=True)
class Chart:
    title: str
    draw: Callable[[Figures], tuple[list[str], list[Series]]]
    formatter: Callable[[float], str]
    horizontal: bool = False


def _short_day(day: date) -> str:
    """'۰۹/۱۰': month and day, enough under a bar."""
    return digits(jalali.numeric_date(datetime.combine(day, time(12), jalali.IRAN), "en")[5:])


def _per_day(measure: Callable[[Tally], float]) -> Callable[[Figures], tuple]:
    """One bar a day; in Persian the first day is on the right."""
    def draw(found: Figures):
        days = list(found.days.items())
        if g.lang == "fa":
            days.reverse()
        return [_short_day(day) for day, _ in days], [("", [measure(t) for _, t in days])]
    return draw


def _service_levels(pick: Callable[[Figures], list[Named]]) -> Callable[[Figures], tuple]:
    def draw(found: Figures):
        lines = pick(found)
        return [line.name(g.lang) for line in lines], [
            (gettext("Intakes"), [line.tally.intakes for line in lines]),
            (gettext("Service level met"), [line.tally.sla_met for line in lines]),
            (gettext("Service level missed"), [line.tally.sla_missed for line in lines])]
    return draw


def _satisfaction(pick: Callable[[Figures], list[Named]]) -> Callable[[Figures], tuple]:
    def draw(found: Figures):
        lines = pick(found)
        return [line.name(g.lang) for line in lines], [
            (gettext("Satisfaction (1 to 5)"), [line.tally.satisfaction for line in lines])]
    return draw


def _grouped(value: float) -> str:
    """'۵۰۰٬۰۰۰': the chart's title says they are rials."""
    return group_thousands(int(value), g.lang)


def _count(value: float) -> str:
    return digits(int(value))


def _score(value: float) -> str:
    return digits(f"{value:.1f}")


CHARTS = {
    "days": Chart(N_("Intakes per day"), _per_day(lambda tally: tally.intakes), _count),
    "fees": Chart(N_("Fees per day (rials)"), _per_day(lambda tally: tally.fees_rials),
                  _grouped),
    "services": Chart(N_("Per service: intakes and service levels"),
                      _service_levels(lambda found: found.services), _count, horizontal=True),
    "operators": Chart(N_("Per operator: intakes and service levels"),
                       _service_levels(lambda found: found.operators), _count, horizontal=True),
    "service-satisfaction": Chart(N_("Satisfaction per service"),
                                  _satisfaction(lambda found: found.services), _score,
                                  horizontal=True),
    "operator-satisfaction": Chart(N_("Satisfaction per operator"),
                                   _satisfaction(lambda found: found.operators), _score,
                                   horizontal=True),
}


@blueprint.get("/reports/charts/<name>.svg")
@roles_required(*SUPERVISOR_ROLES)
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    found = range_figures()
    chosen = CHARTS[name]
    labels, series = chosen.draw(found)
    svg = bar_chart(gettext(chosen.title), labels, series, chosen.formatter, chosen.horizontal)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


# --- CSV ----------------------------------------------------------------------------

def _cell(value) -> str | int | float:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_rows(found: Figures) -> list[list]:
    """The figures as rows: a heading, then each day, each service, each operator
    and the whole range. Dates are Jalali; numbers stay numbers."""
    heading = [gettext("Line"), gettext("Name"), gettext("Intakes"), gettext("Fees (rials)"),
               gettext("Service level met"), gettext("Service level missed"),
               gettext("Ratings"), gettext("Satisfaction (1 to 5)")]
    rows = [heading]
    for day, tally in found.days.items():
        rows.append([gettext("Day"), jalali_day(day), *_numbers(tally)])
    for kind, lines in ((gettext("Service"), found.services),
                        (gettext("Operator"), found.operators)):
        rows.extend([kind, line.name(g.lang), *_numbers(line.tally)] for line in lines)
    period = f"{jalali_day(found.first)} – {jalali_day(found.last)}"
    rows.append([gettext("Total"), period, *_numbers(found.total)])
    return [[_cell(value) for value in row] for row in rows]


def _numbers(tally: Tally) -> list:
    return [tally.intakes, tally.fees_rials, tally.sla_met, tally.sla_missed, tally.ratings,
            tally.satisfaction]


@blueprint.get("/reports/export.csv")
@roles_required(*SUPERVISOR_ROLES)
def export():
    found = range_figures()
    out = io.StringIO()
    out.write(BOM)
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(found))
    first, last = (jalali_day(day).replace("/", "-") for day in (found.first, found.last))
    name = f"report-{first}-{last}.csv"
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
