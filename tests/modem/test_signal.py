import pytest

from hardware.modem.signal import from_csq


@pytest.mark.parametrize("rssi, dbm, bars, english, persian", [
    (0, -113, 0, "no signal (-113 dBm)", "بدون آنتن (-113 dBm)"),
    (1, -111, 0, "no signal (-111 dBm)", "بدون آنتن (-111 dBm)"),
    (2, -109, 1, "weak signal (-109 dBm)", "آنتن ضعیف (-109 dBm)"),
    (9, -95, 1, "weak signal (-95 dBm)", "آنتن ضعیف (-95 dBm)"),
    (10, -93, 2, "fair signal (-93 dBm)", "آنتن متوسط (-93 dBm)"),
    (15, -83, 3, "good signal (-83 dBm)", "آنتن خوب (-83 dBm)"),
    (20, -73, 4, "excellent signal (-73 dBm)", "آنتن عالی (-73 dBm)"),
    (31, -51, 4, "excellent signal (-51 dBm)", "آنتن عالی (-51 dBm)"),
    (99, None, None, "signal unknown", "قدرت آنتن نامعلوم"),
    (45, None, None, "signal unknown", "قدرت آنتن نامعلوم"),
])
def test_csq_to_words(rssi, dbm, bars, english, persian):
    signal = from_csq(rssi)
    assert (signal.dbm, signal.bars) == (dbm, bars)
    assert signal.words() == {"en": english, "fa": persian}
