"""Card readers: PC/SC (pyscard) and serial readers that send one number per line.

`status(box)` is the reader's state in words; `hardware.card.accounts` has
`bind_card` and `user_for_card` for card login.
"""

from __future__ import annotations


def status(box) -> dict:
    service = getattr(box, "card_reader", None)
    spec = box.settings["card.reader"]
    if spec.strip() in ("", "none"):
        return {"device": "card", "reader": spec, "state": "disabled", "ok": True,
                "words": {"en": "no card reader configured", "fa": "کارت‌خوانی تنظیم نشده است"}}
    if service is None:
        return {"device": "card", "reader": spec, "state": "unknown", "ok": False,
                "words": {"en": "the box is not running, card reader state unknown",
                          "fa": "دستگاه در حال اجرا نیست؛ وضعیت کارت‌خوان نامعلوم است"}}
    return service.status()
