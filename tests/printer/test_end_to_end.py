"""An intake taken through the real API on a real waitress server comes out
of the (simulated) printer with its tracking code in the QR code."""

from __future__ import annotations


import zxingcpp
from PIL import Image

from appliance.assembly import build_parts
from appliance.server import BoxServer
from hardware.printer import jobs_overview
from tests.conftest import intake_body, login
from tests.helpers import wait_until
from tests.printer.decoder import tracking_code_in


def test_intake_through_the_api_prints_its_receipt(box, operator):
    box.fit(build_parts(box))
    appliance = BoxServer(box, "127.0.0.1", 0, threads=2)
    appliance.start()
    try:
        api = login(appliance.url, operator.username)
        response = api.post("/api/v1/intakes", json=intake_body())
        assert response.status_code == 201, response.text
        code = response.json()["tracking_code"]
        preview = box.home / "printer-sim" / "latest.png"
        wait_until(preview.exists, timeout=15, what="the receipt's preview")
        scanned = zxingcpp.read_barcodes(Image.open(preview).convert("L"))
        assert [tracking_code_in(result.text.encode()) for result in scanned] == [code]
        overview = jobs_overview(box)
        assert overview["latest_preview"] == str(preview)
        assert overview["recent"][0]["tracking_code"] == code
        assert overview["recent"][0]["state"] == "done"
    finally:
        box.stop_workers()
        appliance.close_server()   # as the shared `server` fixture does
