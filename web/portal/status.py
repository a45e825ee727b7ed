"""`/sync` and `/hardware`: the state of the link, the queue and the devices,
in words.

Other parts of the box report through its optional parts (`edge.parts`):
`box.parts.sync.status()` and `box.parts.devices.statuses()`, each returning
a dict whose values are words (or numbers, or dicts of the same for one
device each). Without them these pages say, in words, what is not configured.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from edge.i18n import is_phrase
from edge.messages import status_name
from edge.roles import ALL_ROLES
from web.portal.access import roles_required
from web.portal.i18n import N_, current_lang, digits, gettext, jalali_datetime, ngettext, translator

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
    # the sync agent's report (sync_agent.report.status)
    "office": N_("Office"), "records_sent_total": N_("Events sent in all"),
    "kept_records": N_("Events sent, kept until the central system collects them"),
    "dropped_unpulled_total": N_("Events dropped before the central system collected them"),
    "last_success_age_seconds": N_("Last successful send"),
    "last_error_at": N_("Time of the last error"),
    "consecutive_failures": N_("Failed tries in a row"),
    "bundle_version": N_("Catalogue version from the centre"),
    "bundle_expires_at": N_("Catalogue valid until"), "bundle_error": N_("Catalogue problem"),
    "licence_status": N_("Licence, as the centre last said"),
    # the devices' reports (hardware.status)
    "operator": N_("Operator"), "network_time": N_("Network time"),
    "delivery_reports": N_("Delivery reports"), "outbox": N_("SMS outbox"),
    "updated_at": N_("Updated"), "accepting_intakes": N_("Accepting intakes"),
    "shutting_down": N_("Shutting down"), "width_dots": N_("Paper width in dots"),
    "last_card_at": N_("Last card"),
    # counts of the print queue and of the SMS outbox
    "queued": N_("Waiting"), "printing": N_("Printing"), "done": N_("Printed"),
    "failed-will-retry": N_("Failed, to be retried"), "sending": N_("Sending"),
    "sent": N_("Sent"), "delivered": N_("Delivered"), "failed": N_("Failed"),
}

# Values that are codes in a report and words on the page.
VALUE_WORDS = {"power": {"mains": N_("mains power"), "battery": N_("on battery")}}
# Values that stay in Latin letters (ports, URLs, names): isolated left to right,
# so the Persian around them does not reorder their characters.
LTR_KEYS = ("port", "url", "reader", "operator")

# States of the sync agent (sync_agent.agent.AgentState), in words.
AGENT_STATES = {
    "not_enrolled": N_("not enrolled with the centre yet: a technician must enrol the box"),
    "disabled": N_("switched off in the settings"),
    "idle": N_("waiting for the next contact"),
    "sending": N_("sending now"),
    "backing_off": N_("the last try failed; trying again soon"),
}
# Internal details a person at the counter does not need.
HIDDEN_KEYS = ("state_code", "device", "summary", "oldest_unsent_seq", "oldest_unsent_at",
               "acked_seq", "last_success_at", "last_attempt_at", "last_error_code",
               "clock_skew_ms", "last_status", "pulled_seq")


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
    if isinstance(value, Markup):     # already in words, isolated where it must be
        return value
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None or value == "":
        if key.startswith("last_"):
            return gettext("Never") if key != "last_error" else gettext("None")
        return gettext("None waiting") if key.endswith("_seconds") else "—"
    if key.endswith("_seconds") and isinstance(value, (int, float)):
        if key.startswith("last_"):
            return gettext("%(age)s ago", age=age_words(value))
        return age_words(value)
    if key == "state" and value in AGENT_STATES:
        return gettext(AGENT_STATES[value])
    if key == "licence_status":
        return status_name(value, translator())
    if isinstance(value, str) and value in VALUE_WORDS.get(key, {}):
        return gettext(VALUE_WORDS[key][value])
    if key in LTR_KEYS:
        return left_to_right(value)
    if key.endswith(("_at", "_time")) and isinstance(value, str):
        try:
            return jalali_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return jalali_datetime(value)
    if isinstance(value, (list, tuple)):
        return "، ".join(str(word_value(key, item)) for item in value) or "—"
    if isinstance(value, int):
        return digits(value)
    return str(value)


def left_to_right(value) -> Markup:
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def signal_words(signal: dict) -> Markup:
    """The modem's signal in the reader's words, its dBm in the reader's digits
    and isolated: the modem says "(-71 dBm)" in Latin digits in both languages."""
    words = in_reader_language(signal).get("state", "")
    if signal.get("dbm") is None:
        return escape(words)
    strength = words.removesuffix(f" ({signal['dbm']} dBm)")
    return escape(strength) + " " + left_to_right(f"({digits(signal['dbm'])} dBm)")


def label(key: str) -> str:
    known = KNOWN_KEYS.get(key)
    return gettext(known) if known else key.replace("_", " ").replace(".", " ").capitalize()


def in_reader_language(report: dict) -> dict:
    """A report may say a thing twice — `state` (a code) and `words` (an
    `edge.i18n.phrase`, as hardware.status gives it), or `last_error`
    (technical) and `last_error_words`: keep what the reader reads, said in
    their language; internal codes are not shown."""
    report = {key: value for key, value in report.items() if key not in HIDDEN_KEYS
              # the printer's live answer repeats the state it reports
              and not (key == "live" and isinstance(value, dict))}
    if isinstance(report.get("signal"), dict):
        report["signal"] = signal_words(report["signal"])
    for key in [key for key in report if is_phrase(report[key])]:
        said = report.pop(key)   # `words` says the state, `x_words` says x
        report[key.removesuffix("words").removesuffix("_") or "state"] = translator().say(said)
    words = report.get("words")
    if isinstance(words, dict) and set(words) <= {"en", "fa"}:
        # the modem's words, not in the catalogue yet (see README, Languages)
        del report["words"]
        chosen = words.get(current_lang()) or words.get("en")
        if chosen:
            report["state"] = chosen
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
    if box.parts.sync is not None:
        return True, box.parts.sync.status()
    return False, {"queue_depth": box.outbox.depth(),
                   "oldest_unsent_age_seconds": box.outbox.oldest_age_seconds(box.clock.now())}


def hardware_report(box) -> tuple[bool, dict]:
    if box.parts.devices is not None:
        return True, box.parts.devices.statuses()
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
    if report.get("enrolled") is False:
        state = "not_enrolled"      # nothing can leave the box before enrolment
    if not state:
        return queue
    return gettext("Link: %(state)s.", state=word_value("state", state)) + " " + queue


@blueprint.get("/sync")
@roles_required(*ALL_ROLES)
def sync():
    box = current_app.config["BOX"]
    configured, report = sync_report(box)
    notice = gettext("The sync agent is asked to send now.") \
        if request.args.get("done") == "asked" else None
    return render_template("sync.html", configured=configured, rows=rows(report),
                           headline=link_summary(configured, report), notice=notice,
                           can_send=box.parts.sync is not None)


@blueprint.post("/sync/now")
@roles_required(*ALL_ROLES)
def sync_now():
    """Ask the sync agent to contact the centre now instead of at its next turn."""
    agent = current_app.config["BOX"].parts.sync
    if agent is None:
        configured, report = sync_report(current_app.config["BOX"])
        return render_template("sync.html", configured=configured, rows=rows(report),
                               headline=link_summary(configured, report), can_send=False,
                               problem=gettext("There is no sync agent on this box to ask."
                                               )), 409
    agent.wake()
    return redirect(url_for("status.sync", done="asked"), 303)


@blueprint.get("/hardware")
@roles_required(*ALL_ROLES)
def hardware():
    configured, report = hardware_report(current_app.config["BOX"])
    cards, general = devices(report)
    return render_template("hardware.html", configured=configured, cards=cards, rows=general)
