"""The front panel with gpiozero's mock pins."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from gpiozero.pins.mock import MockFactory

from edge.errors import Conflict
from edge.i18n import ENGLISH, MessageCatalogue
from edge.intake import IntakeRequest
from edge.parts import Parts
from hardware import gpio
from hardware.gpio.part import build
from hardware.gpio.panel import GpioPanel, Pins
from hardware.gpio.status_led import light_state, pattern_for
from hardware.gpio.worker import GpioWorker
from tests.helpers import wait_until

PERSIAN = MessageCatalogue().translator("fa")

PINS = Pins(led=17, button=27, buzzer=22, power_fail=6, power_fail_active_high=True)



@pytest.fixture
def factory():
    made = MockFactory()
    yield made
    made.reset()


SYNC_OK = {"state": "idle", "enrolled": True, "consecutive_failures": 0, "queue_depth": 0,
           "oldest_unsent_age_seconds": None}


@pytest.mark.parametrize("sync, devices, expected", [
    (SYNC_OK, [], "online"),
    (None, [], "online"),
    ({**SYNC_OK, "queue_depth": 3, "oldest_unsent_age_seconds": 20}, [], "online"),
    ({**SYNC_OK, "queue_depth": 25}, [], "backlog"),
    ({**SYNC_OK, "queue_depth": 2, "oldest_unsent_age_seconds": 3600}, [], "backlog"),
    ({**SYNC_OK, "consecutive_failures": 2, "queue_depth": 25}, [], "offline"),
    ({**SYNC_OK, "enrolled": False}, [], "offline"),
    ({**SYNC_OK, "consecutive_failures": 2}, [{"ok": False, "state": "not_responding"}], "fault"),
    (SYNC_OK, [{"ok": False, "state": "disabled"}, {"ok": True, "state": "ready"}], "online"),
    ({**SYNC_OK, "state": "disabled", "consecutive_failures": 9}, [], "online"),
])
def test_light_state(sync, devices, expected):
    assert light_state(sync, devices) == expected


def test_led_patterns_on_the_pin(factory):
    panel = GpioPanel(PINS, factory)
    led = factory.pin(17)
    try:
        panel.show("online")
        assert led.state is True
        panel.show("fault")
        assert wait_until(lambda: len(led.states) > 6)    # blinking: the pin keeps changing
        period = pattern_for("fault").on_seconds + pattern_for("fault").off_seconds
        assert period == pytest.approx(0.2)
        panel.show("online")
        time.sleep(0.3)
        settled = len(led.states)
        time.sleep(0.3)
        assert led.state is True and len(led.states) == settled
    finally:
        panel.close()


def test_short_press_syncs_long_press_shuts_down(factory):
    synced, shutdowns = threading.Event(), []
    panel = GpioPanel(PINS, factory, on_sync_now=synced.set, on_shutdown=shutdowns.append, hold_seconds=0.3)
    button = factory.pin(27)
    try:
        button.drive_low()
        time.sleep(0.05)
        button.drive_high()
        assert synced.wait(2) and shutdowns == []
        synced.clear()
        button.drive_low()
        assert wait_until(lambda: shutdowns == ["button"])
        button.drive_high()
        time.sleep(0.1)
        assert not synced.is_set()    # releasing after the hold is not also a short press
    finally:
        panel.close()


@pytest.fixture
def worker_for(box, factory):
    made = []

    def make(**options):
        commands = []
        options.setdefault("power_fail_seconds", 0.3)
        options.setdefault("light", lambda box: "online")
        worker = GpioWorker(box, PINS, factory, hold_seconds=0.3, interval=0.05,
                            shutdown_command="poweroff-the-box --now", run_command=commands.append,
                            **options)
        worker.commands = commands
        worker.start()
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()


def test_power_fail_stops_intakes_flushes_and_shuts_down(box, operator, factory, worker_for):
    worker = worker_for()
    factory.pin(6).drive_high()           # the UPS board: mains lost
    assert wait_until(lambda: box.intakes.accepting is False)
    with pytest.raises(Conflict) as caught:
        box.intakes.create(IntakeRequest("HEALTH-INS", "0013542419", "زهرا احمدی", "09121234567"), operator)
    assert caught.value.code == "intake.power_fail"
    assert worker.status()["power"] == "battery"
    assert wait_until(lambda: worker.commands == [["poweroff-the-box", "--now"]])
    wal = box.store.path.with_name(box.store.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0     # checkpointed into the main file
    assert worker.status()["shutting_down"] == "power"


def test_short_power_dip_only_pauses_intakes(box, factory, worker_for):
    worker = worker_for(power_fail_seconds=1.0)
    factory.pin(6).drive_high()
    assert wait_until(lambda: box.intakes.accepting is False)
    factory.pin(6).drive_low()
    assert wait_until(lambda: box.intakes.accepting is True)
    time.sleep(1.2)
    assert worker.commands == [] and worker.status()["power"] == "mains"


def test_button_wakes_the_sync_agent(box, factory, worker_for):
    woken = threading.Event()
    box.fit(Parts(sync=type("Agent", (), {"wake": lambda self: woken.set()})()))
    worker_for()
    factory.pin(27).drive_low()
    factory.pin(27).drive_high()
    assert woken.wait(2)


def test_buzzer_sounds_on_logged_errors(box, factory, worker_for):
    worker_for()
    buzzer = factory.pin(22)
    before = len(buzzer.states)
    logging.getLogger("hardware.modem.worker").error("the modem burnt")
    assert wait_until(lambda: len(buzzer.states) >= before + 4)


def test_led_follows_the_box(box, factory, worker_for):
    state = {"now": "online"}
    worker = worker_for(light=lambda box: state["now"])
    assert wait_until(lambda: worker.status()["state"] == "online")
    state["now"] = "offline"
    assert wait_until(lambda: worker.status()["state"] == "offline")
    assert ENGLISH.say(worker.status()["words"]) == "offline: working without the centre"
    assert PERSIAN.say(worker.status()["words"]) == "بدون اتصال: کار بدون مرکز"


def test_no_usable_gpio_is_a_message(box, factory):
    clash = Pins(led=17, button=17, buzzer=None, power_fail=None)   # one pin for two devices
    worker = GpioWorker(box, clash, factory, light=lambda box: "online")
    worker.start()
    try:
        status = worker.status()
        assert status["state"] == "unavailable" and status["ok"] is False
    finally:
        worker.stop()


def test_built_only_when_enabled(box):
    assert build(box) is None
    assert gpio.status(box)["state"] == "disabled"
    box.settings = box.settings.replace(gpio_enabled=True, gpio_pin_factory="mock")
    worker = build(box)
    box.fit(Parts(gpio=worker, workers=(worker,)))
    assert worker in box.workers and gpio.status(box)["state"] == "stopped"


def test_current_light_reads_the_devices(box):
    from hardware.gpio.part import current_light
    assert current_light(box) == "online"          # nothing attached: nothing faulty
    box.fit(Parts(modem=type("Stuck", (), {"status": lambda self: {"ok": False, "state": "not_responding"}})()))
    assert current_light(box) == "fault"


def test_device_statuses_for_the_hardware_page(box):
    from hardware.card import part as card
    from hardware.modem import part as modem
    from hardware.status import device_statuses
    box.fit(Parts(modem=modem.build(box), card_reader=card.build(box)))
    statuses = device_statuses(box)
    assert {"modem", "card", "gpio"} <= set(statuses)
    for name in ("card", "gpio"):
        said = statuses[name]["words"]
        assert "state" in statuses[name] and PERSIAN.say(said) != ENGLISH.say(said)   # translated
    assert set(statuses["modem"]["words"]) == {"en", "fa"}   # the running modem's own words
    assert statuses["card"]["state"] == "stopped"     # attached, workers not started
    box.parts.card_reader.stop()
