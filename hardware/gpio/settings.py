"""Settings of the GPIO front panel (`[gpio]` in edge.toml, EDGE_GPIO_* in the environment)."""

from edge.settings import Setting, parse_bool, parse_choice, parse_float, parse_int, parse_str


def parse_pin(value) -> int:
    """A BCM pin number, or -1 for "not connected"."""
    return parse_int(-1, 27)(value)


SETTINGS = (
    Setting("gpio.enabled", False, "Drive the front panel on the Raspberry Pi's GPIO header.", parse_bool),
    Setting("gpio.led_pin", 17, "BCM pin of the status LED (-1: none).", parse_pin),
    Setting("gpio.button_pin", 27, "BCM pin of the button, to ground (-1: none).", parse_pin),
    Setting("gpio.buzzer_pin", 22, "BCM pin of the buzzer (-1: none).", parse_pin),
    Setting("gpio.power_fail_pin", 6, "BCM pin of the UPS board's power-fail line (-1: none).", parse_pin),
    Setting("gpio.power_fail_active_high", True,
            "True if the power-fail line goes high when mains power is lost.", parse_bool),
    Setting("gpio.power_fail_seconds", 5.0,
            "Seconds without mains before the box shuts down (a short dip only pauses intakes).",
            parse_float(0, 600)),
    Setting("gpio.hold_seconds", 3.0, "Seconds the button is held for a shutdown.", parse_float(0.5, 30)),
    Setting("gpio.shutdown_command", "systemctl poweroff",
            "Command that powers the box off after the store is flushed.", parse_str),
    Setting("gpio.pin_factory", "",
            "gpiozero pin factory (lgpio, rpigpio, pigpio, native, mock); empty: gpiozero's default.",
            parse_choice("", "lgpio", "rpigpio", "pigpio", "native", "mock")),
)
