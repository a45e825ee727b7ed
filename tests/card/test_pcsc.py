"""PC/SC for real: pcscd, vsmartcard's virtual reader and a virtual card."""

from __future__ import annotations

import threading

import pytest

from hardware.card.errors import NoCard
from hardware.card.pcsc import PcscReader, PcscWatcher


def test_reader_list_shows_the_virtual_reader(vpcd):
    assert any(name.startswith("Virtual PCD") for name in vpcd.readers())


def test_uid_and_atr_of_a_presented_card(vpcd, virtual_card):
    virtual_card("04A1B2C3D4E5F6").insert()
    read = vpcd.wait_for_card(5)
    assert read.uid == "04A1B2C3D4E5F6"
    assert read.atr == "3B8F8001804F0CA000000306030001000000006A"
    assert read.reader.startswith("Virtual PCD")


def test_no_card_is_a_message(vpcd):
    with pytest.raises(NoCard) as caught:
        vpcd.wait_for_card(0.5)
    assert caught.value.message_fa == "در 0.5 ثانیه کارتی نزدیک نشد"


def test_unknown_reader_name_is_a_message(vpcd):
    with PcscReader("Reader That Is Not There") as reader:
        with pytest.raises(Exception) as caught:
            reader.wait_for_card(0.2)
    assert caught.value.code == "no_reader"
    assert "Reader That Is Not There" in caught.value.message


def test_watcher_sees_insert_and_remove(vpcd, virtual_card):
    cards, removed, errors = [], threading.Event(), []
    seen = threading.Event()

    def on_card(read):
        cards.append(read)
        seen.set()

    watcher = PcscWatcher("Virtual PCD", on_card, on_removed=lambda reader: removed.set(),
                          on_error=errors.append, poll_seconds=0.2)
    watcher.start()
    try:
        card = virtual_card("0A0B0C0D")
        card.insert()
        assert seen.wait(10)
        assert cards[0].uid == "0A0B0C0D"
        card.remove()
        assert removed.wait(10)
        seen.clear()
        virtual_card("11223344556677").insert()
        assert seen.wait(10)
        assert [c.uid for c in cards] == ["0A0B0C0D", "11223344556677"]
    finally:
        watcher.stop()
    assert errors == []


def test_cli_reads_the_card_through_pcscd(vpcd, virtual_card, tmp_path):
    import json
    from tests.helpers import run_edge
    virtual_card("04A1B2C3D4E5F6").insert()
    result = run_edge(tmp_path, "hw", "card", "read", "--reader", "pcsc:Virtual PCD", "--timeout", "5",
                      "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["uid"] == "04A1B2C3D4E5F6"
