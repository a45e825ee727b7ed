"""Settings of the GSM modem (`[modem]` in edge.toml, EDGE_MODEM_* in the environment)."""

from edge.settings import Setting, parse_bool, parse_float, parse_int, parse_str

# Informational SMS must end with the opt-out line (Iranian rules); a reply of 11 stops them.
OPT_OUT_LINE = "لغو ۱۱"
DEFAULT_INTAKE_SMS = "{office}: درخواست شما ثبت شد. کد رهگیری: {tracking_code}\n" + OPT_OUT_LINE
DEFAULT_DONE_SMS = ("{office}: درخواست شما ({service}) انجام شد. کد رهگیری: {tracking_code}\n"
                    "لطفاً با پاسخ یک رقم از ۱ تا ۵ به خدمت ما نمره دهید.\n" + OPT_OUT_LINE)
DEFAULT_CANCELLED_SMS = ("{office}: درخواست شما ({service}) با کد رهگیری {tracking_code} "
                         "لغو شد.\n" + OPT_OUT_LINE)

SETTINGS = (
    Setting("modem.port", "sim://",
            "Serial port of the GSM modem: /dev/pishkhan-modem, /dev/ttyUSB2, socket://HOST:PORT; "
            "sim:// starts the built-in simulator on a pseudo-terminal; none turns SMS off.",
            parse_str),
    Setting("modem.baudrate", 115200, "Serial speed of the modem port.", parse_int(1200, 4000000)),
    Setting("modem.pin", "", "PIN of the SIM card, if it asks for one. A rejected PIN is never retried.",
            parse_str),
    Setting("modem.retries", 5, "Attempts to send one SMS before it is marked failed.", parse_int(1, 100)),
    Setting("modem.retry_seconds", 30.0, "Delay after the first failed attempt; doubles each time.",
            parse_float(1, 3600)),
    Setting("modem.command_timeout", 5.0, "Seconds to wait for the answer to an AT command.",
            parse_float(0.5, 120)),
    Setting("modem.send_timeout", 60.0, "Seconds to wait for the network to accept one SMS part.",
            parse_float(5, 600)),
    Setting("modem.delivery_reports", True, "Ask the network for delivery reports.", parse_bool),
    Setting("modem.intake_sms", DEFAULT_INTAKE_SMS,
            "Text sent to the citizen after an intake; {tracking_code}, {office} and {service} "
            "are filled in. Empty: send none.", parse_str),
    Setting("modem.done_sms", DEFAULT_DONE_SMS,
            "Text sent when an intake is done; asks for a rating (a reply of one digit, 1 to 5). "
            "Same placeholders; the opt-out line is added if missing. Empty: send none.",
            parse_str),
    Setting("modem.cancelled_sms", DEFAULT_CANCELLED_SMS,
            "Text sent when an intake is cancelled. Same placeholders; the opt-out line is "
            "added if missing. Empty: send none.", parse_str),
)
