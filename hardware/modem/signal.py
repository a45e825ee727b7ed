"""Signal strength in words: `+CSQ` rssi -> dBm -> bars -> words.

3GPP TS 27.007 8.5: rssi 0 is -113 dBm or less, 1 is -111, 2..30 is
-109..-53 in steps of 2, 31 is -51 or more, 99 is "not known".
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN_RSSI = 99

# bars -> (English, Persian)
WORDS = {
    None: ("signal unknown", "قدرت آنتن نامعلوم"),
    0: ("no signal", "بدون آنتن"),
    1: ("weak signal", "آنتن ضعیف"),
    2: ("fair signal", "آنتن متوسط"),
    3: ("good signal", "آنتن خوب"),
    4: ("excellent signal", "آنتن عالی"),
}


@dataclass(frozen=True)
class Signal:
    rssi: int
    dbm: int | None
    bars: int | None

    def words(self) -> dict[str, str]:
        english, persian = WORDS[self.bars]
        if self.dbm is not None:
            english, persian = f"{english} ({self.dbm} dBm)", f"{persian} ({self.dbm} dBm)"
        return {"en": english, "fa": persian}

    def as_dict(self) -> dict:
        return {"rssi": self.rssi, "dbm": self.dbm, "bars": self.bars, "words": self.words()}


def rssi_to_dbm(rssi: int) -> int | None:
    if rssi == UNKNOWN_RSSI or not 0 <= rssi <= 31:
        return None
    return -113 + 2 * rssi


def dbm_to_bars(dbm: int | None) -> int | None:
    """Bars as phones show them; an SMS still goes out at one bar."""
    if dbm is None:
        return None
    if dbm <= -111:
        return 0
    if dbm <= -95:
        return 1
    if dbm <= -85:
        return 2
    if dbm <= -75:
        return 3
    return 4


def from_csq(rssi: int) -> Signal:
    dbm = rssi_to_dbm(rssi)
    return Signal(rssi, dbm, dbm_to_bars(dbm))
