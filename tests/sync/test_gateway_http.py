"""The gateway's HTTP edges: every refusal is a JSON 4xx, never a 500; the
OpenAPI document describes every route as tightly as the server checks it;
two gateways live in one process, each on its own database."""

from __future__ import annotations

import pytest
import requests

from gateway.app import create_app
from gateway.server import ServerThread
from gateway.service import init_home
from tests.sync.devices import SimDevice
from wire.ack import decode_ack

OFFICE = "KHR-0042"


@pytest.fixture
def served(tmp_path):
    """A gateway on SQLite behind a real waitress server: (gateway, url)."""
    gateway = init_home(tmp_path / "gateway", None)
    gateway.add_office(OFFICE, "دفتر پیشخوان خیرآباد")
    server = ServerThread(create_app(gateway))
    yield gateway, server.url
    server.stop()
    gateway.close()


def assert_refusal(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_an_unknown_path_is_a_json_404(served):
    _, url = served
    assert_refusal(requests.get(url + "/v1/nothing-here", timeout=5), 404, "not_found")
    assert_refusal(requests.post(url + "/", data=b"x", timeout=5), 404, "not_found")


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(served):
    _, url = served
    wrong = requests.get(url + "/v1/batches", timeout=5)
    assert_refusal(wrong, 405, "method_not_allowed")
    assert set(wrong.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    wrong = requests.delete(url + "/v1/feed", timeout=5)
    assert_refusal(wrong, 405, "method_not_allowed")
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_an_oversized_body_is_a_json_413(served):
    _, url = served
    from gateway.openapi import MAX_BODY
    response = requests.post(url + "/v1/batches", data=bytes(MAX_BODY + 1), timeout=30)
    assert_refusal(response, 413, "too_large")


def test_deeply_nested_json_is_malformed_not_a_crash(served):
    gateway, url = served
    deep = "[" * 100_000 + "]" * 100_000
    response = requests.post(url + "/v1/enroll", data=deep, timeout=10,
                             headers={"Content-Type": "application/json"})
    assert_refusal(response, 400, "malformed")
    nested_object = '{"token":' * 50_000 + "1" + "}" * 50_000
    response = requests.post(url + "/v1/enroll", data=nested_object, timeout=10,
                             headers={"Content-Type": "application/json"})
    assert_refusal(response, 400, "malformed")
    assert gateway.devices() == []


def test_openapi_document_describes_every_route(served):
    gateway, url = served
    response = requests.get(url + "/v1/openapi.json", timeout=5)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    app = create_app(gateway)
    routes = {(rule.rule, method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(("/v1/", "/b")) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    for path in ("/v1/enroll", "/b", "/v1/batches", "/v1/bundle", "/v1/feed", "/v1/feed/batches",
                 "/v1/health"):
        assert path in document["paths"]


def _parameter(document, path: str, name: str) -> dict:
    [found] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def test_openapi_bounds_are_the_servers_bounds(served):
    gateway, url = served
    document = requests.get(url + "/v1/openapi.json", timeout=5).json()
    auth = {"Authorization": "Bearer " + gateway.issue_api_key("central")}
    limit = _parameter(document, "/v1/feed", "limit")
    after = _parameter(document, "/v1/feed", "after")
    for path in ("/v1/feed", "/v1/feed/batches"):
        def status(query: str) -> int:
            return requests.get(url + path + query, headers=auth, timeout=5).status_code
        assert status(f"?limit={limit['minimum']}") == status(f"?limit={limit['maximum']}") == 200
        assert status(f"?limit={limit['minimum'] - 1}") == 400
        assert status(f"?limit={limit['maximum'] + 1}") == 400
        assert status(f"?after={after['maximum']}") == 200
        assert status(f"?after={after['maximum'] + 1}") == 400
        assert status("?after=-1") == status("?after=abc") == status("?after=۱۲") == 400
    codes = set(document["components"]["schemas"]["Error"]["properties"]["error"]
                ["properties"]["code"]["enum"])
    refusals = [requests.get(url + "/v1/feed?limit=0", headers=auth, timeout=5),
                requests.get(url + "/v1/feed", timeout=5),
                requests.get(url + "/v1/none", timeout=5),
                requests.get(url + "/v1/bundle?device=unknown&tag=x", timeout=5),
                requests.post(url + "/v1/batches", data=b"junk", timeout=5),
                requests.post(url + "/v1/batches?resume=yes", data=b"junk", timeout=5)]
    assert {r.json()["error"]["code"] for r in refusals} <= codes
    assert (refusals[-1].status_code, refusals[-1].json()["error"]["code"]) == (400, "bad_parameter")


def test_two_gateways_live_in_one_process_each_on_its_own_file(tmp_path):
    """No process-wide binding: each gateway's models use its own database."""
    north, south = (init_home(tmp_path / name, None) for name in ("north", "south"))
    servers = [ServerThread(create_app(gateway)) for gateway in (north, south)]
    try:
        devices = []
        for gateway, server, count in ((north, servers[0], 3), (south, servers[1], 5)):
            gateway.add_office(OFFICE, "office")
            device = SimDevice()
            answer = requests.post(server.url + "/v1/enroll", timeout=5,
                                   json=device.enroll_request(gateway.issue_token(OFFICE)))
            device.pin(answer.json())
            ack = requests.post(server.url + "/v1/batches", data=device.batch_of(1, count),
                                timeout=5)
            assert decode_ack(ack.content).held_seq == count
            devices.append(device)
        for gateway, server, device, count in ((north, servers[0], devices[0], 3),
                                              (south, servers[1], devices[1], 5)):
            key = gateway.issue_api_key("central")
            feed = requests.get(server.url + "/v1/feed", timeout=5,
                                headers={"Authorization": f"Bearer {key}"}).json()["records"]
            assert [(r["device"], r["seq"]) for r in feed] == [
                (device.device_id, seq) for seq in range(1, count + 1)]
        assert north.db.database != south.db.database
        assert north.models.Record is not south.models.Record
    finally:
        for server in servers:
            server.stop()
        north.close()
        south.close()
