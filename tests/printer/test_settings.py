from __future__ import annotations

import pytest

from appliance.assembly import load_settings
from edge.settings import SettingsError


def test_printer_defaults(tmp_path):
    loaded = load_settings(tmp_path, environ={})
    assert loaded["printer.url"] == "sim://" and loaded["printer.width_dots"] == 576
    assert loaded["printer.cups_queue"] == ""


def test_printer_settings_from_file_and_environment(tmp_path):
    (tmp_path / "edge.toml").write_text(
        '[printer]\nurl = "usb:///dev/receipt-printer"\nwidth_dots = 384\n')
    loaded = load_settings(tmp_path, environ={})
    assert loaded["printer.url"] == "usb:///dev/receipt-printer"
    assert loaded["printer.width_dots"] == 384
    loaded = load_settings(tmp_path, environ={"EDGE_PRINTER_URL": "tcp://10.0.0.5:9100"})
    assert loaded["printer.url"] == "tcp://10.0.0.5:9100"


@pytest.mark.parametrize("env, message", [
    ({"EDGE_PRINTER_URL": "lpt1"}, "setting printer.url .*use serial://"),
    ({"EDGE_PRINTER_URL": "serial:///dev/ttyUSB0?baudrate=1234"}, "baudrate"),
    ({"EDGE_PRINTER_WIDTH_DOTS": "500"}, "setting printer.width_dots .*384, 576"),
    ({"EDGE_PRINTER_RETRY_MAX_SECONDS": "0"}, "printer.retry_max_seconds"),
])
def test_bad_printer_settings_are_named(tmp_path, env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path, environ=env)
