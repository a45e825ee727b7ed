"""The gateway on SQLite and PostgreSQL: enrolment, ingest, feed, bundles."""

from __future__ import annotations

import pytest
import requests

from gateway.errors import GatewayError
from wire.ack import ack_key, decode_ack
from wire.bundle import bundle_request_tag, verify_bundle
from wire.encoding import load_ed25519_public, public_bytes
from wire.errors import ProtocolError, SignatureError
from tests.sync.devices import SimDevice

OFFICE = "KHR-0042"


def enrolled(gateway, device=None) -> SimDevice:
    device = device or SimDevice()
    device.pin(gateway.enroll(device.enroll_request(gateway.issue_token(OFFICE))))
    return device


def feed_all(gateway):
    return gateway.feed(0, 1000)["records"]


def test_enrolment_binds_office_and_answers_signed_keys(gateway):
    device = enrolled(gateway)
    assert device.pinned.office == OFFICE
    assert device.pinned.exchange_key == public_bytes(gateway.keys.exchange.public_key())
    [row] = gateway.devices()
    assert (row["device"], row["office"], row["held_seq"]) == (device.device_id, OFFICE, 0)


def test_used_unknown_and_expired_tokens_are_refused_in_words(gateway):
    token = gateway.issue_token(OFFICE)
    gateway.enroll(SimDevice().enroll_request(token))
    with pytest.raises(GatewayError, match="already used"):
        gateway.enroll(SimDevice().enroll_request(token))
    with pytest.raises(GatewayError, match="unknown"):
        gateway.enroll(SimDevice().enroll_request("not-a-token"))
    expired = gateway.issue_token(OFFICE, hours=1)
    real_clock = gateway.clock_ms
    gateway.clock_ms = lambda: real_clock() + 2 * 3_600_000
    with pytest.raises(GatewayError, match="expired"):
        gateway.enroll(SimDevice().enroll_request(expired))


def test_a_box_whose_answer_was_lost_can_enrol_again_with_its_token(gateway):
    device, token = SimDevice(), gateway.issue_token(OFFICE)
    gateway.enroll(device.enroll_request(token))          # the answer never arrives
    device.pin(gateway.enroll(device.enroll_request(token)))
    assert device.pinned.office == OFFICE and len(gateway.devices()) == 1
    other = SimDevice()
    with pytest.raises(GatewayError, match="already used"):
        gateway.enroll(other.enroll_request(token))


def test_enrolment_with_a_taken_device_tag_is_refused(gateway):
    first = enrolled(gateway)
    clone = SimDevice()
    clone.signing = first.signing        # same public key -> same tag
    with pytest.raises(GatewayError, match="run edge init"):
        gateway.enroll(clone.enroll_request(gateway.issue_token(OFFICE)))


def test_enrolment_request_must_be_signed_by_its_key(gateway):
    device = SimDevice()
    request = device.enroll_request(gateway.issue_token(OFFICE))
    request["device"] = "someone-else"
    with pytest.raises(SignatureError):
        gateway.enroll(request)


def test_ingest_stores_each_seq_once_and_acks_contiguous(gateway):
    device = enrolled(gateway)
    ack = decode_ack(gateway.ingest(device.batch_of(1, 5)))
    assert ack.held_seq == 5
    assert decode_ack(gateway.ingest(device.batch_of(1, 5))).held_seq == 5  # resealed retry
    assert decode_ack(gateway.ingest(device.batch_of(4, 8))).held_seq == 8
    assert decode_ack(gateway.ingest(device.batch_of(11, 12))).held_seq == 8  # gap
    records = feed_all(gateway)
    assert [r["seq"] for r in records] == list(range(1, 9))
    assert records[0]["payload"]["tracking_code"] == f"T-{device.device_id}-1"
    assert records[0]["office"] == OFFICE


def test_a_gap_is_taken_only_when_the_box_says_it_keeps_nothing_before(gateway):
    device = enrolled(gateway)
    gateway.ingest(device.batch_of(1, 3))
    assert decode_ack(gateway.ingest(device.batch_of(6, 7))).held_seq == 3
    assert decode_ack(gateway.ingest(device.batch_of(6, 7), resume=True)).held_seq == 7
    assert [r["seq"] for r in feed_all(gateway)] == [1, 2, 3, 6, 7]


def test_the_feed_records_how_far_the_centre_pulled_each_device(gateway):
    first, second = enrolled(gateway), enrolled(gateway)
    gateway.ingest(first.batch_of(1, 4))
    gateway.ingest(second.batch_of(1, 2))
    page = gateway.feed(0, 3)
    assert all(row["pulled_seq"] == 0 for row in gateway.devices())     # sent, not confirmed
    assert decode_ack(gateway.ingest(first.batch_of(5, 5))).pulled_seq == 0
    gateway.feed(int(page["next"]), 3)                                   # confirms the first page
    assert [row["pulled_seq"] for row in gateway.devices()] == [3, 0]
    assert decode_ack(gateway.ingest(first.batch_of(6, 6))).pulled_seq == 3
    gateway.feed(10 ** 17, 3)                    # a cursor beyond every record confirms them all
    assert [row["pulled_seq"] for row in gateway.devices()] == [6, 2]


def test_same_seq_with_other_content_is_a_conflict_kept_aside(gateway, caplog):
    device = enrolled(gateway)
    gateway.ingest(device.batch_of(1, 2))
    other = device.batch(2, [device.record(2, {"tracking_code": "CHANGED"})])
    assert decode_ack(gateway.ingest(other)).held_seq == 2
    gateway.ingest(other)                       # the same clash again is kept once
    [conflict] = gateway.conflicts()
    assert (conflict["seq"], conflict["payload"]) == (2, {"tracking_code": "CHANGED"})
    assert feed_all(gateway)[1]["payload"]["tracking_code"] != "CHANGED"
    assert "CONFLICT" in caplog.text
    assert gateway.devices()[0]["conflicts"] == 1


def test_unenrolled_foreign_and_tampered_batches_store_nothing(gateway):
    device = enrolled(gateway)
    stranger = SimDevice()
    stranger.pinned = device.pinned
    with pytest.raises(GatewayError, match="not enrolled"):
        gateway.ingest(stranger.batch_of(1, 1))
    foreign = device.batch(1, [device.record(1)], signer=enrolled(gateway).signing)
    with pytest.raises(SignatureError):
        gateway.ingest(foreign)
    wire = bytearray(device.batch_of(1, 3))
    wire[len(wire) // 2] ^= 0x01
    with pytest.raises(ProtocolError):
        gateway.ingest(bytes(wire))
    assert feed_all(gateway) == []


def test_http_surface_feed_batches_and_api_key(gateway, gateway_url):
    device = SimDevice()
    answer = requests.post(gateway_url + "/v1/enroll",
                           json=device.enroll_request(gateway.issue_token(OFFICE)), timeout=5)
    assert answer.status_code == 200, answer.text
    device.pin(answer.json())
    response = requests.post(gateway_url + "/v1/batches", data=device.batch_of(1, 3), timeout=5)
    assert decode_ack(response.content).held_seq == 3
    refused = requests.post(gateway_url + "/v1/batches", data=b"\x01garbage" + bytes(64), timeout=5)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "malformed"
    assert requests.get(gateway_url + "/v1/feed", timeout=5).status_code == 401
    key = gateway.issue_api_key("central")
    auth = {"Authorization": f"Bearer {key}"}
    page = requests.get(gateway_url + "/v1/feed?limit=2", headers=auth, timeout=5).json()
    assert [r["seq"] for r in page["records"]] == [1, 2]
    rest = requests.get(gateway_url + f"/v1/feed?after={page['next']}", headers=auth, timeout=5)
    assert [r["seq"] for r in rest.json()["records"]] == [3]
    assert "X-Gateway-Time" in rest.headers
    batches = requests.get(gateway_url + "/v1/feed/batches", headers=auth, timeout=5).json()
    [batch] = batches["batches"]
    assert (batch["office"], batch["first_seq"], batch["last_seq"]) == (OFFICE, 1, 3)


BUNDLE = """
expires_days = 30
[[services]]
code = "PASSPORT"
name_fa = "گذرنامه"
name_en = "Passport"
[[tariffs]]
service = "PASSPORT"
fee_rials = 250000
effective_from = 2026-12-01
[[suppliers]]
code = "POST"
name = "Post"
[offices.KHR-0042]
licence_status = "active"
licence_expires = 2027-12-01
services = ["PASSPORT"]
"""


def test_publish_signs_bundles_with_rising_versions(gateway, tmp_path):
    device = enrolled(gateway)
    path = tmp_path / "bundle.toml"
    path.write_text(BUNDLE, encoding="utf-8")
    assert gateway.publish(path) == 1
    envelope = gateway.bundle_for(device.device_id)
    bundle = verify_bundle(envelope, load_ed25519_public(device.pinned.centre_key))
    assert bundle["office"]["licence_status"] == "active"
    assert bundle["tariffs"][0]["effective_from"] == "2026-12-01"
    path.write_text("version = 1\n" + BUNDLE, encoding="utf-8")
    with pytest.raises(GatewayError, match="must rise"):
        gateway.publish(path)
    path.write_text(BUNDLE.replace('"active"', '"revoked"'), encoding="utf-8")
    assert gateway.publish(path) == 2
    assert decode_ack(gateway.ingest(device.batch_of(1, 1))).bundle_version == 2


@pytest.mark.parametrize("offices", ["offices = 3\n", '[offices]\nKHR = "a"\n'])
def test_publish_refuses_offices_that_are_not_tables(gateway, tmp_path, offices):
    path = tmp_path / "bundle.toml"
    path.write_text(offices, encoding="utf-8")
    with pytest.raises(GatewayError, match="must be a table"):
        gateway.publish(path)


def test_bundle_request_needs_the_devices_tag(gateway, gateway_url, tmp_path):
    device = enrolled(gateway)
    (tmp_path / "b.toml").write_text(BUNDLE, encoding="utf-8")
    gateway.publish(tmp_path / "b.toml")
    key = ack_key(device.exchange, device.pinned.exchange_key)
    good = bundle_request_tag(key, device.device_id, 0)
    answer = requests.get(gateway_url + "/v1/bundle", timeout=5,
                          params={"device": device.device_id, "have": 0, "tag": good})
    assert answer.status_code == 200 and answer.json()["bundle"]["version"] == 1
    assert requests.get(gateway_url + "/v1/bundle", timeout=5,
                        params={"device": device.device_id, "have": 1,
                                "tag": bundle_request_tag(key, device.device_id, 1)}
                        ).status_code == 204
    for tag in ("", "x" * 22, good[:-1] + ("A" if good[-1] != "A" else "B")):
        refused = requests.get(gateway_url + "/v1/bundle", timeout=5,
                               params={"device": device.device_id, "have": 0, "tag": tag})
        assert refused.status_code == 403
