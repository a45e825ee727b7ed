"""`/sync` and `/hardware`: the state of the link, the queue and the devices,
in words.

Other parts of the box report through two optional methods of the box:
`box.sync_status()` and `box.hardware_status()`, each returning a dict whose
values are words (or numbers, or dicts of the same for one device each).
Until they exist these pages say, in words, what is not configured.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, g, render_template

from edge.fields import UtcDateTimeField
from web.portal.access import EVERYONE, roles_required
from web.portal.i18n import N_, digits, gettext, jdatetime, ngettext

blueprint = Blueprint("status", __name__)

KNOWN_KEYS = {
    "state": N_("State"), "link": N_("Link"), "enrolled": N_("Enrolled with the centre"),
    "queue_depth": N_("Events waiting to be sent"),
    "oldest_unsent_age_seconds": N_("Oldest event waiting"),
    "last_success": N_("Last successful send"), "last_error": N_("Last error"),
    "gateway": N_("Gateway"), "printer": N_("Receipt printer"), "modem": N_("GSM modem"),
    "card": N_("Card reader"), "gpio": N_("Lights and power"), "queue": N_("Queue"),
    "signal": N_("Signal"), "paper": N_("Paper"), "power": N_("Power"),
    "ok": N_("Working"), "port": N_("Port"), "reader": N_("Reader"), "url": N_("Address"),
    "live": N_("Checked just now"),
}


def age_words(seconds: int) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return gettext("less than a minute")
    if seconds < 3600:
        return ngettext("%(num)s minute", "%(num)s minutes", seconds // 60,
                        num=digits(seconds // 60))
    if seconds < 86400:
        return ngettext("%(num)s hour", "%(num)s hours", seconds // 3600,
                        num=digits(seconds // 3600))
    return ngettext("%(num)s day", "%(num)s days", seconds // 86400,
                    num=digits(seconds // 86400))


def word_value(key: str, value):
    """A reported value as a person reads it."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None:
        if key.startswith("last_"):
            return gettext("Never")
        return gettext("None waiting") if key.endswith("_seconds") else "—"
    if key.endswith("_seconds") and isinstance(value, (int, float)):
        return age_words(value)
    if isinstance(value, datetime):
        return jdatetime(value)
    if isinstance(value, (list, tuple)):
        return "، ".join(str(word_value(key, item)) for item in value) or "—"
    if isinstance(value, int):
        return digits(value)
    return str(value)


def label(key: str) -> str:
    known = KNOWN_KEYS.get(key)
    return gettext(known) if known else key.replace("_", " ").replace(".", " ").capitalize()


HIDDEN_KEYS = ("state_code", "device")


def in_reader_language(report: dict) -> dict:
    """A report may give its state in words more than once — `state` (English),
    `state_fa`, or `words` ({"en", "fa"}, as hardware.status gives it): keep
    the one the reader reads; internal codes are not shown."""
    report = {key: value for key, value in report.items() if key not in HIDDEN_KEYS}
    words = report.get("words")
    if isinstance(words, dict) and set(words) <= {"en", "fa"}:
        del report["words"]
        chosen = words.get(g.get("lang", "fa")) or words.get("en")
        if chosen:
            report["state"] = chosen
    if "state_fa" in report:
        persian = report.pop("state_fa")
        if g.get("lang", "fa") == "fa" and persian:
            report["state"] = persian
    return report


def rows(report: dict) -> list[dict]:
    """[{label, value}|{label, rows}] for the template; nested dicts become sections."""
    shown = []
    for key, value in in_reader_language(report).items():
        if isinstance(value, dict):
            shown.append({"label": label(key), "rows": rows(value)})
        else:
            shown.append({"label": label(key), "value": word_value(key, value)})
    return shown


def device_summary(report: dict) -> list[dict]:
    """One line per device for the dashboard: its state, in words."""
    summary = []
    for key, value in report.items():
        if isinstance(value, dict):
            value = in_reader_language(value).get("state", "—")
        summary.append({"label": label(key), "value": word_value(key, value)})
    return summary


def devices(report: dict) -> tuple[list[dict], list[dict]]:
    """(one card per device: label, state in words, ok or None, detail rows;
    the rows of whatever in the report is not a device)."""
    cards, general = [], {}
    for key, value in report.items():
        if not isinstance(value, dict):
            general[key] = value
            continue
        shown = in_reader_language(value)
        state = shown.pop("state", None)
        ok = shown.pop("ok", None)
        cards.append({"label": label(key), "state": word_value("state", state),
                      "ok": ok if isinstance(ok, bool) else None, "rows": rows(shown)})
    return cards, rows(general)


def sync_report(box) -> tuple[bool, dict]:
    """(whether a sync agent reports, what it or the outbox says)."""
    reporter = getattr(box, "sync_status", None)
    if callable(reporter):
        return True, reporter()
    depth, oldest = box.store.db.execute_sql(
        "SELECT COUNT(*), MIN(created_at) FROM outbox_record WHERE acked_at IS NULL").fetchone()
    age = int((box.clock.now() - UtcDateTimeField().python_value(oldest)).total_seconds()) \
        if oldest else None
    return False, {"queue_depth": depth, "oldest_unsent_age_seconds": age}


def hardware_report(box) -> tuple[bool, dict]:
    reporter = getattr(box, "hardware_status", None)
    if callable(reporter):
        return True, reporter()
    return False, {}


def link_summary(configured: bool, report: dict) -> str:
    """One sentence for the dashboard about the link and the queue (from sync_report)."""
    depth = report.get("queue_depth", 0) or 0
    if depth:
        queue = ngettext("%(num)s event is waiting to be sent to the centre.",
                         "%(num)s events are waiting to be sent to the centre.", depth,
                         num=digits(depth))
    else:
        queue = gettext("Nothing is waiting to be sent to the centre.")
    if not configured:
        return gettext("The sync agent is not configured on this box yet.") + " " + queue
    state = report.get("state") or report.get("link")
    return (gettext("Link: %(state)s.", state=state) + " " + queue) if state else queue


@blueprint.get("/sync")
@roles_required(*EVERYONE)
def sync():
    configured, report = sync_report(current_app.config["BOX"])
    return render_template("sync.html", configured=configured, rows=rows(report))


@blueprint.get("/hardware")
@roles_required(*EVERYONE)
def hardware():
    configured, report = hardware_report(current_app.config["BOX"])
    cards, general = devices(report)
    return render_template("hardware.html", configured=configured, cards=cards, rows=general)
