"""Messages for people, by code, in Persian (first) and English."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("fa", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "body.not_json": {
        "fa": "بدنهٔ درخواست JSON معتبر نیست.",
        "en": "The request body is not valid JSON."},
    "body.not_object": {
        "fa": "بدنهٔ درخواست باید یک شیء JSON باشد.",
        "en": "The request body must be a JSON object."},
    "body.too_large": {
        "fa": "درخواست بیش از حد بزرگ است.",
        "en": "The request is too large."},
    "field.required": {
        "fa": "فیلد «{field}» لازم است.",
        "en": "The field '{field}' is required."},
    "field.unknown": {
        "fa": "فیلد «{field}» شناخته‌شده نیست.",
        "en": "The field '{field}' is not known."},
    "field.type": {
        "fa": "فیلد «{field}» باید {kind} باشد.",
        "en": "The field '{field}' must be {kind_en}."},
    "field.too_long": {
        "fa": "فیلد «{field}» حداکثر {max} نویسه می‌تواند باشد.",
        "en": "The field '{field}' may be at most {max} characters."},
    "field.empty": {
        "fa": "فیلد «{field}» نباید خالی باشد.",
        "en": "The field '{field}' must not be empty."},
    "field.choice": {
        "fa": "مقدار فیلد «{field}» مجاز نیست.",
        "en": "The value of '{field}' is not allowed."},
    "field.range": {
        "fa": "مقدار فیلد «{field}» خارج از محدودهٔ مجاز است.",
        "en": "The value of '{field}' is out of range."},
    "national_code.format": {
        "fa": "کد ملی باید ۱۰ رقم باشد.",
        "en": "A national code has 10 digits."},
    "national_code.same_digits": {
        "fa": "کد ملی با رقم‌های یکسان معتبر نیست.",
        "en": "A national code of one repeated digit is not valid."},
    "national_code.checksum": {
        "fa": "رقم کنترل کد ملی درست نیست؛ کد را دوباره بررسی کنید.",
        "en": "The national code's check digit is wrong; please check the code."},
    "mobile.invalid": {
        "fa": "شمارهٔ همراه باید به شکل ۰۹xxxxxxxxx باشد.",
        "en": "A mobile number looks like 09xxxxxxxxx."},
    "service.unknown": {
        "fa": "این خدمت در فهرست خدمات نیست.",
        "en": "This service is not in the catalogue."},
    "service.not_offered": {
        "fa": "این خدمت در این دفتر ارائه نمی‌شود.",
        "en": "This service is not offered at this office."},
    "tariff.none": {
        "fa": "برای این خدمت تعرفهٔ مصوب در حال اجرا وجود ندارد.",
        "en": "This service has no approved tariff in force."},
    "payment.reference_required": {
        "fa": "برای پرداخت با کارت، شمارهٔ پیگیری بانکی لازم است.",
        "en": "A card payment needs the bank's reference number."},
    "licence.inactive": {
        "fa": "پروانهٔ این دفتر {status_fa} است؛ ثبت درخواست جدید ممکن نیست.",
        "en": "This office's licence is {status}; new intakes cannot be taken."},
    "intake.not_found": {
        "fa": "درخواستی با این کد رهگیری پیدا نشد.",
        "en": "No intake has this tracking code."},
    "intake.bad_transition": {
        "fa": "وضعیت «{current_fa}» را نمی‌توان به «{target_fa}» تغییر داد.",
        "en": "Status '{current}' cannot change to '{target}'."},
    "intake.reason_required": {
        "fa": "برای لغو درخواست، دلیل آن را بنویسید.",
        "en": "Cancelling needs a reason."},
    "sms.not_found": {
        "fa": "این پیامک برای این درخواست پیدا نشد.",
        "en": "This intake has no such SMS."},
    "sms.opted_out": {
        "fa": "این شماره با «۱۱» پیامک‌های اطلاع‌رسانی را لغو کرده است.",
        "en": "This number has opted out of informational SMS (it replied 11)."},
    "intake.power_fail": {
        "fa": "برق اصلی قطع است؛ تا وصل شدن برق درخواست جدید ثبت نمی‌شود.",
        "en": "Mains power has failed; new intakes wait until power returns."},
    "tracking.invalid": {
        "fa": "کد رهگیری درست نیست؛ آن را دوباره بررسی کنید.",
        "en": "The tracking code is not valid; please check it."},
    "auth.bad_credentials": {
        "fa": "نام کاربری یا گذرواژه درست نیست.",
        "en": "Wrong username or password."},
    "auth.required": {
        "fa": "برای این کار باید وارد شوید.",
        "en": "You must log in to do this."},
    "auth.forbidden": {
        "fa": "نقش شما اجازهٔ این کار را ندارد.",
        "en": "Your role does not allow this."},
    "auth.throttled": {
        "fa": "تلاش‌های ناموفق زیاد بود؛ {seconds} ثانیه صبر کنید.",
        "en": "Too many failed attempts; wait {seconds} seconds."},
    "card.bad_uid": {
        "fa": "شمارهٔ کارت نامعتبر است.",
        "en": "That is not a card number."},
    "card.not_supervisor": {
        "fa": "فقط سرپرست می‌تواند کارت را به کاربر بدهد.",
        "en": "Only a supervisor can give a card to a user."},
    "card.unknown_user": {
        "fa": "چنین کاربری نیست.",
        "en": "No such user."},
    "card.taken": {
        "fa": "این کارت به کاربر دیگری داده شده است.",
        "en": "This card already belongs to another user."},
    "user.exists": {
        "fa": "کاربری با این نام وجود دارد.",
        "en": "A user with this name already exists."},
    "user.bad_name": {
        "fa": "نام کاربری فقط حروف لاتین کوچک، رقم، نقطه، خط تیره و زیرخط (۳ تا ۳۲ نویسه).",
        "en": "A username is 3-32 lowercase letters, digits, '.', '-' or '_'."},
    "user.bad_role": {
        "fa": "نقش باید اپراتور، سرپرست یا فنی باشد.",
        "en": "The role must be operator, supervisor or technician."},
    "user.weak_password": {
        "fa": "گذرواژه باید دست‌کم {min} نویسه باشد.",
        "en": "The password must have at least {min} characters."},
    "route.not_found": {
        "fa": "این نشانی وجود ندارد.",
        "en": "There is nothing at this address."},
    "method.not_allowed": {
        "fa": "این روش درخواست برای این نشانی مجاز نیست.",
        "en": "This request method is not allowed here."},
    "internal": {
        "fa": "خطای داخلی رخ داد؛ چیزی ثبت نشد. دوباره تلاش کنید.",
        "en": "An internal error happened; nothing was saved. Please try again."},
}

KIND_NAMES = {
    "string": ("متن", "text"),
    "object": ("شیء", "an object"),
    "integer": ("عدد صحیح", "a whole number"),
    "boolean": ("درست یا نادرست", "true or false"),
}

STATUS_NAMES_FA = {
    "received": "دریافت‌شده",
    "in_progress": "در حال انجام",
    "done": "انجام‌شده",
    "cancelled": "لغوشده",
    "active": "فعال",
    "suspended": "تعلیق‌شده",
    "revoked": "لغوشده",
    "expired": "منقضی",
}


def text(code: str, lang: str = "fa", **params: Any) -> str:
    """The message for `code` in `lang` (Persian when the language is unknown)."""
    entry = MESSAGES.get(code, MESSAGES["internal"])
    template = entry.get(lang) or entry["fa"]
    return template.format_map(_Params(params))


class _Params(dict):
    """Fills `{x_fa}` / `{kind}` style companions so templates stay simple."""

    def __missing__(self, key: str) -> str:
        if key.endswith("_fa") and key[:-3] in self:
            return STATUS_NAMES_FA.get(self[key[:-3]], str(self[key[:-3]]))
        if key in ("kind", "kind_en") and "type" in self:
            fa, en = KIND_NAMES.get(self["type"], (self["type"], self["type"]))
            return fa if key == "kind" else en
        return "{" + key + "}"


def pick_language(header: str | None, default: str = "fa") -> str:
    """The first supported language of an Accept-Language header."""
    if not header:
        return default
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return default
