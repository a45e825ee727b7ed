"""/reports with its charts and CSV, on a real server with known intakes
(tests.performance.conftest): the SVG holds the bars' values, the CSV opens
in Excel with its Persian (a UTF-8 BOM) and reads back to the same figures,
wrong dates are said in words, and the page fits a 360 px phone."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree

import pytest

from tests.performance.conftest import fill_known
from tests.portal.conftest import logged_in
from tests.portal.test_browser import Tab

RANGE = "from=1405/09/10&to=1405/09/11"
SVG = "{http://www.w3.org/2000/svg}"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def reports(portal):
    fill_known(portal.box, portal.clock)
    return logged_in(portal, "supervisor")


def bars(svg: bytes) -> list[tuple[str, str]]:
    """(label, value) of every bar of an SVG chart, in drawing order."""
    root = ElementTree.fromstring(svg)
    found = []
    for bar in root.iter(f"{SVG}g"):
        if bar.get("class") != "bar":
            continue
        descs = {desc.get("class"): desc.text for desc in bar.findall(f"{SVG}desc")}
        found.append((descs.get("x_label"), descs["value"]))
    return found


def test_the_day_chart_holds_a_bar_a_day_with_its_value_right_to_left(reports):
    response = reports.get("/reports/charts/days.svg?" + RANGE)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert bars(response.content) == [("۰۹/۱۱", "۲"), ("۰۹/۱۰", "۲")]   # first day on the right
    texts = [element.text for element in ElementTree.fromstring(response.content).iter(f"{SVG}text")]
    assert {"۰۹/۱۰", "۰۹/۱۱"} <= set(texts) and "۰٫۵" not in texts and "0.5" not in texts
    assert b"<script src" not in response.content and b"http://" not in response.content.split(
        b"-->")[-1]


def test_the_service_chart_names_services_in_persian_with_met_and_missed(reports):
    svg = reports.get("/reports/charts/services.svg?" + RANGE).content
    values = bars(svg)
    assert ("ثبت‌نام بیمهٔ سلامت", "۲") in values and ("پرداخت قبض", "۲") in values
    texts = [element.text for element in ElementTree.fromstring(svg).iter(f"{SVG}text")]
    assert "در مهلت انجام شد" in texts and "از مهلت گذشت" in texts
    satisfaction = bars(reports.get("/reports/charts/operator-satisfaction.svg?" + RANGE).content)
    assert sorted(value for _, value in satisfaction) == ["۲٫۰", "۴٫۰"] or \
        sorted(value for _, value in satisfaction) == ["۲.۰", "۴.۰"]


def test_the_csv_starts_with_the_bom_and_reads_back_to_the_figures(reports):
    response = reports.get("/reports/export.csv?" + RANGE)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["سطر", "نام", "درخواست‌ها", "کارمزد (ریال)"]
    lines = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert lines[("روز", "1405/09/10")] == ["2", "500000", "1", "1", "1", "4.0"]
    assert lines[("روز", "1405/09/11")] == ["2", "500000", "0", "1", "1", "2.0"]
    assert lines[("خدمت", "ثبت‌نام بیمهٔ سلامت")] == ["2", "900000", "1", "0", "2", "3.0"]
    assert lines[("خدمت", "پرداخت قبض")] == ["2", "100000", "0", "2", "0", ""]
    assert lines[("جمع", "1405/09/10 – 1405/09/11")][:2] == ["4", "1000000"]


def test_a_name_a_spreadsheet_would_run_as_a_formula_stays_text(reports, portal):
    user = portal.box.store.models.User
    user.update(full_name="=HYPERLINK(1)").where(user.username == "sara").execute()
    rows = list(csv.reader(io.StringIO(
        reports.get("/reports/export.csv?" + RANGE).content.decode("utf-8-sig"))))
    assert ["اپراتور", "'=HYPERLINK(1)"] in [row[:2] for row in rows]


@pytest.mark.parametrize("query, field, words", [
    ("from=1405/13/40", "from", "تاریخ شمسی"),
    ("from=1405/09/11&to=1405/09/10", "to", "روز پایان پیش از روز آغاز است"),
    ("from=1400/01/01&to=1405/09/10", "to", "هر گزارش حداکثر"),
])
def test_a_wrong_range_is_said_in_words_on_the_page_and_the_downloads(reports, query, field,
                                                                       words):
    page = reports.get("/reports?" + query)
    assert page.status_code == 200 and words in page.text
    for path in ("/reports/export.csv?", "/reports/charts/days.svg?"):
        refused = reports.get(path + query)
        assert refused.status_code == 400 and words in refused.text


def test_an_unknown_chart_is_404_and_operators_see_none(reports, portal):
    assert reports.get("/reports/charts/nope.svg?" + RANGE).status_code == 404
    operator = logged_in(portal, "operator")
    assert operator.get("/reports/charts/days.svg").status_code == 403
    assert operator.get("/reports/export.csv").status_code == 403


def test_the_page_shows_the_charts_and_tables_on_a_phone(browser, portal):
    fill_known(portal.box, portal.clock)
    tab = Tab(browser, portal, viewport=PHONE, touch=True)
    tab.login("supervisor")
    page = tab.go("/reports?" + RANGE)
    page.wait_for_load_state("networkidle")
    drawn = page.eval_on_selector_all(
        "img.chart", "images => images.map(i => [i.id, i.complete && i.naturalWidth > 0, "
        "i.getBoundingClientRect().width])")
    assert len(drawn) == 6 and all(loaded for _, loaded, _ in drawn), drawn
    assert all(200 < width <= 360 for _, _, width in drawn), drawn
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "ثبت‌نام بیمهٔ سلامت" in page.inner_text("#per-service")
    assert "sara" in page.inner_text("#per-operator").lower() or \
        "Sara" in page.inner_text("#per-operator")
    assert not tab.broken and not tab.console_errors, (tab.broken, tab.console_errors)
    assert all(url.startswith(portal.url) for url in tab.asked)
    tab.shot("fa-phone-reports")
    tab.context.close()


def test_a_month_names_every_few_days_under_its_bars(reports):
    svg = reports.get("/reports/charts/days.svg?from=1405/09/01&to=1405/09/30").content
    assert len(bars(svg)) == 30
    shown = [element.text for element in ElementTree.fromstring(svg).iter(f"{SVG}text")
             if element.text and "/" in element.text]
    assert 4 <= len(shown) <= 8 and "۰۹/۳۰" in shown     # the first day on the right, in Persian
