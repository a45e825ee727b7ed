"""PC/SC card readers through pyscard: readers, insert and remove events,
the ATR, and the card's number (UID) with the PC/SC pseudo-APDU
`FF CA 00 00 00` (PC/SC part 3, "Get Data").

pyscard is imported when a reader is first used, so the box starts on a
machine without libpcsclite; every failure is a `CardReaderError`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from hardware.card.errors import CardReaderError, NoCard
from hardware.card.watcher import Watcher

log = logging.getLogger(__name__)

GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]

# pcsc-lite result codes -> (English, Persian, code)
_PCSC_ERRORS = {
    0x8010001D: ("the card reader service (pcscd) is not running", "سرویس کارت‌خوان (pcscd) اجرا نمی‌شود", "no_service"),
    0x8010001E: ("the card reader service (pcscd) stopped", "سرویس کارت‌خوان (pcscd) متوقف شد", "no_service"),
    0x8010002E: ("no card reader is connected", "کارت‌خوانی وصل نیست", "no_reader"),
    0x80100009: ("that card reader is not connected", "آن کارت‌خوان وصل نیست", "no_reader"),
    0x80100017: ("the card reader was unplugged", "کارت‌خوان جدا شد", "no_reader"),
    0x8010000A: ("no card was presented in time", "کارتی به موقع نزدیک نشد", "no_card"),
    0x8010000C: ("there is no card on the reader", "کارتی روی کارت‌خوان نیست", "no_card"),
    0x80100069: ("the card was taken away too soon; hold it still", "کارت زود برداشته شد؛ آن را ثابت نگه دارید", "removed"),
    0x80100066: ("the card does not respond", "کارت پاسخ نمی‌دهد", "unresponsive"),
    0x80100065: ("this kind of card is not supported", "این نوع کارت پشتیبانی نمی‌شود", "unsupported"),
    0x8010000B: ("another program is using the card reader", "برنامهٔ دیگری از کارت‌خوان استفاده می‌کند", "busy"),
}


def pcsc_error(code: int) -> CardReaderError:
    english, persian, short = _PCSC_ERRORS.get(code & 0xFFFFFFFF, (
        f"card reader error {code & 0xFFFFFFFF:#010x}", f"خطای کارت‌خوان {code & 0xFFFFFFFF:#010x}", "pcsc"))
    return CardReaderError(english, persian, code=short)


def uid_from_response(data: list[int] | bytes, sw1: int, sw2: int) -> str:
    """The answer to FF CA 00 00 00 -> the UID as upper-case hex."""
    if (sw1, sw2) == (0x90, 0x00) and 1 <= len(data) <= 16:
        return bytes(data).hex().upper()
    if (sw1, sw2) == (0x90, 0x00):
        raise CardReaderError("the card gave an empty number", "کارت شماره‌ای نداد", code="no_uid")
    raise CardReaderError(
        f"this card does not give its number (answer {sw1:02X} {sw2:02X})",
        f"این کارت شماره‌اش را نمی‌دهد (پاسخ {sw1:02X} {sw2:02X})", code="no_uid")


@dataclass(frozen=True)
class CardRead:
    uid: str
    atr: str
    reader: str


def _scard():
    try:
        from smartcard import scard
    except ImportError as error:   # pyscard or libpcsclite missing on this machine
        raise CardReaderError(f"PC/SC support is not installed ({error})",
                              "پشتیبانی PC/SC نصب نیست", code="no_pcsc") from None
    return scard


class PcscReader:
    """One PC/SC context. `reader` is a reader name, a part of one, or None (the first)."""

    def __init__(self, reader: str | None = None):
        self.reader_filter = reader or None
        self._scard = _scard()
        self._context = None

    def _check(self, result: int) -> None:
        if result != self._scard.SCARD_S_SUCCESS:
            raise pcsc_error(result)

    def _ctx(self):
        if self._context is None:
            result, context = self._scard.SCardEstablishContext(self._scard.SCARD_SCOPE_USER)
            self._check(result)
            self._context = context
        return self._context

    def close(self) -> None:
        if self._context is not None:
            self._scard.SCardReleaseContext(self._context)
            self._context = None

    def __enter__(self) -> "PcscReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def readers(self) -> list[str]:
        result, names = self._scard.SCardListReaders(self._ctx(), [])
        if result == self._scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        self._check(result)
        return list(names)

    def reader_name(self) -> str:
        names = self.readers()
        chosen = [name for name in names if not self.reader_filter or self.reader_filter in name]
        if not chosen:
            if self.reader_filter:
                raise CardReaderError(f"no card reader named {self.reader_filter!r} is connected",
                                      f"کارت‌خوانی به نام {self.reader_filter} وصل نیست", code="no_reader")
            raise pcsc_error(0x8010002E)
        return chosen[0]

    def wait_for_change(self, reader: str, known_state: int, timeout: float) -> int | None:
        """The reader's new event state, or None when nothing changed in time."""
        scard = self._scard
        result, states = scard.SCardGetStatusChange(
            self._ctx(), int(timeout * 1000), [(reader, known_state)])
        if result == scard.SCARD_E_TIMEOUT:
            return None
        self._check(result)
        return states[0][1] & ~scard.SCARD_STATE_CHANGED

    def card_present(self, reader: str) -> bool:
        state = self.wait_for_change(reader, self._scard.SCARD_STATE_UNAWARE, 0)
        return bool(state is not None and state & self._scard.SCARD_STATE_PRESENT)

    def read_card(self, reader: str) -> CardRead:
        """ATR and UID of the card on `reader` now."""
        scard = self._scard
        result, card, protocol = scard.SCardConnect(
            self._ctx(), reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        self._check(result)
        try:
            result, _, _, _, atr = scard.SCardStatus(card)
            self._check(result)
            result, response = scard.SCardTransmit(card, protocol, GET_UID)
            self._check(result)
            if len(response) < 2:
                raise CardReaderError("the card gave a broken answer", "پاسخ کارت ناقص بود", code="bad_answer")
            uid = uid_from_response(response[:-2], response[-2], response[-1])
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        return CardRead(uid, bytes(atr).hex().upper(), reader)

    def wait_for_card(self, timeout: float) -> CardRead:
        """Wait until a card is presented (or is already there) and read it."""
        reader = self.reader_name()
        scard = self._scard
        state = scard.SCARD_STATE_UNAWARE
        remaining = timeout
        deadline = time.monotonic() + timeout
        while True:
            new_state = self.wait_for_change(reader, state, max(0.0, remaining))
            if new_state is not None:
                state = new_state
                if state & scard.SCARD_STATE_PRESENT and not state & scard.SCARD_STATE_MUTE:
                    return self.read_card(reader)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoCard(timeout)


class PcscWatcher(Watcher):
    """Insert and remove events of one PC/SC reader (see `Watcher`)."""

    thread_name = "pcsc-watcher"

    def __init__(self, reader: str | None, on_card: Callable[[CardRead], None],
                 on_removed: Callable[[str], None] = lambda reader: None,
                 on_error: Callable[[CardReaderError], None] = lambda error: None,
                 poll_seconds: float = 0.5):
        super().__init__(on_card, on_removed, on_error)
        self.reader_filter = reader
        self.poll_seconds = poll_seconds

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with PcscReader(self.reader_filter) as reader:
                    self._watch(reader)
            except CardReaderError as error:
                self.on_error(error)
                self._stopping.wait(2.0)
            except Exception:
                log.exception("card reader watcher: unexpected error")
                self._stopping.wait(2.0)

    def _watch(self, reader: PcscReader) -> None:
        scard = reader._scard
        name = reader.reader_name()
        state, present = scard.SCARD_STATE_UNAWARE, False
        while not self._stopping.is_set():
            new_state = reader.wait_for_change(name, state, self.poll_seconds)
            if new_state is None:
                continue
            state = new_state
            now_present = bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE
            if now_present and not present:
                try:
                    self.on_card(reader.read_card(name))
                except CardReaderError as error:
                    self.on_error(error)
            elif present and not now_present:
                self.on_removed(name)
            present = now_present
            if state & (scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_UNKNOWN):
                raise pcsc_error(0x80100017)
