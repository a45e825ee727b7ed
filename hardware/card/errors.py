"""Card reader failures, as messages a person understands (never a crash)."""

from __future__ import annotations

from hardware.errors import DeviceError


class CardReaderError(DeviceError):
    def __init__(self, message: str, message_fa: str, code: str = "card_error"):
        super().__init__(message, message_fa, code)


class NoCard(CardReaderError, TimeoutError):
    def __init__(self, seconds: float):
        super().__init__(f"no card was presented within {seconds:g} s",
                         f"در {seconds:g} ثانیه کارتی نزدیک نشد", code="no_card")
