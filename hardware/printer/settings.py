"""The receipt printer's settings (`[printer]` in edge.toml, EDGE_PRINTER_*)."""

from __future__ import annotations

from edge.settings import Setting, parse_choice, parse_float, parse_int, parse_str


def parse_printer_url(value) -> str:
    from hardware.printer.transport import PrinterUrlError, validate_url
    text = parse_str(value).strip()
    try:
        return validate_url(text)
    except PrinterUrlError as error:
        raise ValueError(str(error)) from None


def parse_width(value) -> int:
    return int(parse_choice("384", "576")(str(value).strip()))


SETTINGS = (
    Setting("printer.url", "sim://",
            "Receipt printer: serial:///dev/ttyUSB0?baudrate=19200, usb:///dev/usb/lp0, "
            "tcp://HOST:9100, file:///PATH or sim:// (the simulator).", parse_printer_url),
    Setting("printer.width_dots", 576,
            "Printable width in dots: 576 for 80 mm paper, 384 for 58 mm.", parse_width),
    Setting("printer.cups_queue", "",
            "CUPS queue for A4 forms (lp -d QUEUE); empty means no A4 printing.", parse_str),
    Setting("printer.retry_first_seconds", 5,
            "Seconds before the first retry of a failed print; doubles each time.",
            parse_int(1, 3600)),
    Setting("printer.retry_max_seconds", 300,
            "Longest wait between retries of a failed print.", parse_int(1, 86400)),
    Setting("printer.status_timeout", 0.5,
            "Seconds to wait for the printer's answer to a status question (DLE EOT).",
            parse_float(0.05, 10.0)),
)
