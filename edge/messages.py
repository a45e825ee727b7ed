"""Messages for people, by code: the English text is the msgid of the one
message catalogue (`edge.i18n`); the Persian lives in its .po file.

Errors carry a code and parameters (`edge.errors`); `text` spells them in the
reader's language, naming statuses and types in that language too.
"""

from __future__ import annotations

from typing import Any

from edge.i18n import N_, Translator

MESSAGES: dict[str, str] = {
    "body.not_json": N_("The request body is not valid JSON."),
    "body.not_object": N_("The request body must be a JSON object."),
    "body.too_large": N_("The request is too large."),
    "field.required": N_("The field '%(field)s' is required."),
    "field.unknown": N_("The field '%(field)s' is not known."),
    "field.type": N_("The field '%(field)s' must be %(kind)s."),
    "field.too_long": N_("The field '%(field)s' may be at most %(max)s characters."),
    "field.empty": N_("The field '%(field)s' must not be empty."),
    "field.control": N_("The field '%(field)s' holds invisible control characters; "
                        "please type it again."),
    "field.jalali_date": N_("The field '%(field)s' must be a Jalali date such as 1405/09/10."),
    "field.choice": N_("The value of '%(field)s' is not allowed."),
    "field.range": N_("The value of '%(field)s' is out of range."),
    "national_code.format": N_("A national code has 10 digits."),
    "national_code.same_digits": N_("A national code of one repeated digit is not valid."),
    "national_code.checksum": N_("The national code's check digit is wrong; please check the code."),
    "mobile.invalid": N_("A mobile number looks like 09xxxxxxxxx."),
    "service.unknown": N_("This service is not in the catalogue."),
    "service.not_offered": N_("This service is not offered at this office."),
    "tariff.none": N_("This service has no approved tariff in force."),
    "payment.reference_required": N_("A card payment needs the bank's reference number."),
    "licence.inactive": N_("This office's licence is %(status)s; new intakes cannot be taken."),
    "intake.not_found": N_("No intake has this tracking code."),
    "intake.bad_transition": N_("Status '%(current)s' cannot change to '%(target)s'."),
    "intake.reason_required": N_("Cancelling needs a reason."),
    "sms.not_found": N_("This intake has no such SMS."),
    "sms.opted_out": N_("This number has opted out of informational SMS (it replied 11)."),
    "intake.cancel_separately": N_("An intake is cancelled with a reason, not by changing its status."),
    "cancellation.reason": N_("Choose the reason for cancelling from the list."),
    "cancellation.note_required": N_("Write the reason for cancelling."),
    "cancellation.already_requested": N_("A cancellation of this intake already waits for a supervisor."),
    "cancellation.not_found": N_("No such cancellation request."),
    "cancellation.decided": N_("This cancellation request has already been decided."),
    "intake.power_fail": N_("Mains power has failed; new intakes wait until power returns."),
    "payment.rrn_format": N_("The terminal's reference (RRN) has %(digits)s digits."),
    "payment.rrn_repeated": N_("This reference was recorded today for intake %(tracking_code)s; "
                               "check the terminal's slip again."),
    "payment.card_last4_format": N_("Write the last four digits of the card."),
    "day.already_closed": N_("The business day %(date)s is closed already; what comes now "
                             "counts in the next day."),
    "idempotency.key_invalid": N_("An Idempotency-Key is 1 to %(max)s printable ASCII "
                                  "characters."),
    "idempotency.key_reused": N_("This Idempotency-Key was used before with another request; "
                                 "send a new key for a new request."),
    "tracking.invalid": N_("The tracking code is not valid; please check it."),
    "auth.bad_credentials": N_("Wrong username or password."),
    "auth.required": N_("You must log in to do this."),
    "auth.forbidden": N_("Your role does not allow this."),
    "auth.throttled": N_("Too many failed attempts; wait %(seconds)s seconds."),
    "user.exists": N_("A user with this name already exists."),
    "user.bad_name": N_("A username is 3-32 lowercase letters, digits, '.', '-' or '_'."),
    "user.bad_role": N_("The role must be operator, supervisor or technician."),
    "user.unknown": N_("There is no user named '%(username)s'."),
    "user.weak_password": N_("The password must have at least %(min)s characters."),
    "route.not_found": N_("There is nothing at this address."),
    "method.not_allowed": N_("This request method is not allowed here."),
    "card.bad_uid": N_("That is not a card number."),
    "card.not_supervisor": N_("Only a supervisor can give a card to a user."),
    "card.unknown_user": N_("No such user."),
    "card.taken": N_("This card already belongs to another user."),
    "card.bad_pin_format": N_("A PIN is %(min)s to %(max)s digits."),
    "card.nobody": N_("This card logs nobody in: it is not given to an active user. Ask a "
                      "supervisor."),
    "card.wrong_pin": N_("Wrong PIN for this card."),
    "card.no_pin": N_("This card's user has no PIN yet; a supervisor sets one on the Users "
                      "page."),
    "card.not_at_box": N_("No card was read at the box's reader in the last %(seconds)s "
                          "seconds; hold it to the reader again."),
    "disk.full": N_("The box's disk is full, so nothing was saved. Ask the technician to "
                    "free space; logging in and reading still work."),
    "disk.reserve": N_("The box's disk has only %(free_mb)s MB free, less than the "
                       "%(reserve_mb)s MB kept in reserve, so new intakes are refused and "
                       "nothing was saved. Ask the technician to free space."),
    "date.jalali": N_("Write a Jalali date like 1405/09/10."),
    "report.range_reversed": N_("The last day comes before the first."),
    "report.range_too_long": N_("A report covers at most %(days)s days."),
    "confidential.not_allowed": N_("Your role may not see this confidential service's details."),
    "closure.exists": N_("The office is already marked closed on that day."),
    "internal": N_("An internal error happened; nothing was saved. Please try again."),
}

# The JSON types a field may be asked to be, as a sentence names them.
TYPE_NAMES = {"string": N_("text"), "object": N_("an object"),
              "integer": N_("a whole number"), "boolean": N_("true or false")}

# Intake and licence statuses, as messages name them mid-sentence (a page's
# label capitalises them).
STATUS_NAMES = {"received": N_("received"), "in_progress": N_("in progress"),
                "waiting_citizen": N_("waiting on the citizen"),
                "waiting_agency": N_("waiting on the agency"),
                "done": N_("done"), "cancelled": N_("cancelled"), "active": N_("active"),
                "suspended": N_("suspended"), "revoked": N_("revoked"),
                "expired": N_("expired")}

_STATUS_PARAMS = ("status", "current", "target")


def text(code: str, translator: Translator, **params: Any) -> str:
    """The message for `code` in the translator's language (`internal` for an
    unknown code: a person never reads a bare code)."""
    template = translator.gettext(MESSAGES.get(code, MESSAGES["internal"]))
    return template % _Spelled(translator, params)


def status_name(status: str, translator: Translator) -> str:
    return translator.gettext(STATUS_NAMES[status]) if status in STATUS_NAMES else status


class _Spelled(dict):
    """The parameters, with statuses named and `kind` spelled from `type` in the
    reader's language; a missing one shows as its placeholder, never a KeyError."""

    def __init__(self, translator: Translator, params: dict[str, Any]):
        super().__init__(params)
        self.translator = translator
        for key in _STATUS_PARAMS:
            if key in params:
                self[key] = status_name(str(params[key]), translator)

    def __missing__(self, key: str) -> str:
        if key == "kind" and "type" in self:
            kind = self["type"]
            return self.translator.gettext(TYPE_NAMES[kind]) if kind in TYPE_NAMES else kind
        return "%(" + key + ")s"
