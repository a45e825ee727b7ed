"""Card readers: PC/SC (pyscard) and serial readers that send one number per line.

`status(box)` is the reader's state in words; binding a card to a user and
finding a card's user are rules of the core (`edge.users.bind_card`,
`edge.users.user_for_card`).
"""

from __future__ import annotations

from edge.i18n import phrase


def status(box) -> dict:
    service = box.parts.card_reader
    spec = box.settings["card.reader"]
    if spec.strip() in ("", "none"):
        return {"device": "card", "reader": spec, "state": "disabled", "ok": True,
                "words": phrase("no card reader configured")}
    if service is None:
        return {"device": "card", "reader": spec, "state": "unknown", "ok": False,
                "words": phrase("the box is not running, card reader state unknown")}
    return service.status()


def wait_for_card(box, timeout: float = 15.0, after: int | None = None) -> dict:
    """The next card presented on the box's reader (for the intake form's
    card-number field and the login page): {"uid", "reader", "number", "at"}.
    `after` is the `number` of the last card the caller saw. Raises
    hardware.card.errors.CardReaderError (NoCard on timeout) with `.words()`."""
    from hardware.card.errors import CardReaderError
    service = box.parts.card_reader
    if service is None:
        raise CardReaderError("no card reader is running", "کارت‌خوانی فعال نیست", code="no_reader")
    seen = service.wait_for_card(timeout, after)
    return {"uid": seen.uid, "reader": seen.reader, "number": seen.number, "at": seen.at.isoformat()}
