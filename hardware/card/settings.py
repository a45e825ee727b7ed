"""Settings of the card reader (`[card]` in edge.toml, EDGE_CARD_* in the environment)."""

from edge.settings import Setting, parse_int, parse_str


def parse_reader(value) -> str:
    text = parse_str(value).strip()
    if text in ("pcsc", "none") or text.startswith(("pcsc:", "sim://", "/dev/", "socket://", "rfc2217://",
                                                      "loop://")):
        return text
    raise ValueError('must be "pcsc", "pcsc:READER NAME", a serial port, "sim://" or "none"')


SETTINGS = (
    Setting("card.reader", "sim://",
            'Card reader: "pcsc" (the first PC/SC reader), "pcsc:PART OF ITS NAME", a serial port '
            'sending one card number per line (/dev/pishkhan-card), "sim://" (simulated) or "none".',
            parse_reader),
    Setting("card.baudrate", 9600, "Serial speed of a serial card reader.", parse_int(1200, 921600)),
)
