"""The one root of every device failure (printer, modem, card reader), like
gpiozero's `GPIOZeroError`: `except DeviceError` catches whatever a device
did, and a failure is a message a person understands, never a crash.

Each failure says what happened in English (`message`, also `str(error)`)
and, where the device has the words, in Persian (`message_fa`), with `code`
for programs and translations. Subclasses also derive from the builtin that
fits (`OSError` for a port or printer out of reach, `TimeoutError` for no
answer), so generic code that catches those keeps working.
"""

from __future__ import annotations


class DeviceError(Exception):
    def __init__(self, message: str, message_fa: str = "", code: str = "device_error"):
        super().__init__(message)
        self.message = message
        self.message_fa = message_fa
        self.code = code

    def words(self) -> dict[str, str]:
        """Both languages; English stands in where the device has no Persian words."""
        return {"en": self.message, "fa": self.message_fa or self.message}
