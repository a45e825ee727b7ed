"""Downlink bundles on the box: applied in one transaction, refused with reasons."""

from __future__ import annotations

import copy

import pytest

from edge.errors import Forbidden
from sync_agent import bundle as bundles, status
from wire.bundle import sign_bundle
from tests.sync.test_gateway import BUNDLE


@pytest.fixture(params=["sqlite"])
def db_url(request):
    return None


@pytest.fixture
def enrolled_box(gateway, gateway_url, make_box):
    tb = make_box()
    tb.enroll(gateway, gateway_url)
    return tb


def publish(gateway, tmp_path, text):
    path = tmp_path / "bundle.toml"
    path.write_text(text, encoding="utf-8")
    return gateway.publish(path)


def test_bundle_is_fetched_verified_and_applied(gateway, enrolled_box, tmp_path):
    Service = enrolled_box.box.store.models.Service
    Tariff = enrolled_box.box.store.models.Tariff
    publish(gateway, tmp_path, BUNDLE)
    result = enrolled_box.agent().sync_once()
    assert result.ok and result.bundle == "bundle version 1 applied", result
    passport = Service.get(Service.code == "PASSPORT")
    assert passport.offered and passport.name_fa == "گذرنامه"
    assert not Service.get(Service.code == "HEALTH-INS").offered   # not assigned to this office
    tariff = Tariff.get(Tariff.service == passport)
    assert (tariff.fee_rials, tariff.version) == (250000, "bundle-1")
    intake = enrolled_box.intake("PASSPORT")
    assert (intake.fee_rials, intake.tariff_version) == (250000, "bundle-1")
    report = status(enrolled_box.box)
    assert report["bundle_version"] == 1 and report["licence_status"] == "active"


def test_revoked_licence_stops_new_intakes_only(gateway, enrolled_box, tmp_path):
    Intake = enrolled_box.box.store.models.Intake
    Office = enrolled_box.box.store.models.Office
    publish(gateway, tmp_path, BUNDLE)
    agent = enrolled_box.agent()
    agent.sync_once()
    before = enrolled_box.intake("PASSPORT")
    publish(gateway, tmp_path, BUNDLE.replace('"active"', '"revoked"'))
    enrolled_box.intake("PASSPORT")               # the ack tells of version 2 ...
    assert agent.sync_once().bundle == "bundle version 2 applied"   # ... fetched at once
    assert Office.get().licence_status == "revoked"
    with pytest.raises(Forbidden) as refused:
        enrolled_box.intake("PASSPORT")
    assert "licence" in str(refused.value.code)
    assert Intake.get(Intake.tracking_code == before.tracking_code)   # the rest still reads


def test_expired_licence_date_stops_new_intakes(gateway, enrolled_box, tmp_path):
    publish(gateway, tmp_path, BUNDLE.replace("licence_expires = 2027-12-01",
                                              "licence_expires = 2026-01-01"))
    enrolled_box.agent().sync_once()
    with pytest.raises(Forbidden):
        enrolled_box.intake("PASSPORT")


@pytest.fixture
def applied(gateway, enrolled_box, tmp_path):
    publish(gateway, tmp_path, BUNDLE)
    enrolled_box.agent().sync_once()
    envelope = gateway.bundle_for(enrolled_box.box.keys.device_id)
    return envelope


def resigned(gateway, bundle):
    return sign_bundle(gateway.keys.centre, bundle)


def refusal(gateway, enrolled_box, envelope):
    Service = enrolled_box.box.store.models.Service
    SyncEnrolment = enrolled_box.box.store.models.SyncEnrolment
    Tariff = enrolled_box.box.store.models.Tariff
    key = bytes(SyncEnrolment.get().centre_key)
    outcome = bundles.apply_envelope(enrolled_box.box, envelope, key, enrolled_box.box.clock.now())
    assert bundles.current_version(enrolled_box.box.store) == 1     # the last good one stays
    assert Tariff.get(Tariff.service == Service.get(Service.code == "PASSPORT")).fee_rials == 250000
    assert status(enrolled_box.box)["bundle_error"] in outcome
    return outcome


def test_bad_signature_is_refused(gateway, enrolled_box, applied):
    bundle = copy.deepcopy(applied["bundle"])
    bundle["version"] = 5
    bundle["tariffs"][0]["fee_rials"] = 1
    forged = {"bundle": bundle, "signature": applied["signature"]}
    assert "signature does not verify" in refusal(gateway, enrolled_box, forged)


def test_older_same_version_other_content_and_expired_are_refused(gateway, enrolled_box, applied):
    SyncBundle = enrolled_box.box.store.models.SyncBundle
    bundle = copy.deepcopy(applied["bundle"])
    bundle["tariffs"][0]["fee_rials"] = 1
    assert "other content" in refusal(gateway, enrolled_box, resigned(gateway, bundle))
    older = dict(bundle)
    older["version"] = 1
    with enrolled_box.box.store.write():
        SyncBundle.update(version=3).execute()
    assert "older" in refusal_at(gateway, enrolled_box, resigned(gateway, older), 3)
    with enrolled_box.box.store.write():
        SyncBundle.update(version=1).execute()
    expired = dict(bundle, version=2, expires_at="2020-01-01T00:00:00+00:00")
    assert "expired" in refusal(gateway, enrolled_box, resigned(gateway, expired))


def refusal_at(gateway, enrolled_box, envelope, version):
    key = bytes(enrolled_box.box.store.models.SyncEnrolment.get().centre_key)
    outcome = bundles.apply_envelope(enrolled_box.box, envelope, key, enrolled_box.box.clock.now())
    assert bundles.current_version(enrolled_box.box.store) == version
    return outcome


def test_tariff_for_unknown_service_refuses_whole_bundle(gateway, enrolled_box, applied):
    Service = enrolled_box.box.store.models.Service
    bundle = copy.deepcopy(applied["bundle"])
    bundle["version"] = 2
    bundle["services"].append({"code": "NEW", "name_fa": "تازه"})
    bundle["tariffs"].append({"service": "MISSING", "fee_rials": 5,
                              "effective_from": "2026-12-01"})
    assert "unknown service" in refusal(gateway, enrolled_box, resigned(gateway, bundle))
    assert not Service.select().where(Service.code == "NEW").exists()   # one transaction


SERVICE_LEVELS = BUNDLE.replace('name_en = "Passport"\n', 'name_en = "Passport"\n'
                                'sla_hours = 40\nsla_first_action_hours = 2\n') + """
[[holidays]]
date = "1405/01/01"
name = "نوروز"
[[holidays]]
date = "1405/01/02"
name = "نوروز"
"""


def test_bundle_brings_holidays_and_first_action_targets(gateway, enrolled_box, tmp_path):
    models = enrolled_box.box.store.models
    agent = enrolled_box.agent()
    publish(gateway, tmp_path, SERVICE_LEVELS)
    assert agent.sync_once().bundle == "bundle version 1 applied"
    assert {(str(row.day), row.name) for row in models.Holiday.select()} == {
        ("2026-03-21", "نوروز"), ("2026-03-22", "نوروز")}
    passport = models.Service.get(models.Service.code == "PASSPORT")
    assert (passport.sla_hours, models.FirstActionTarget.get().hours) == (40, 2)
    # a bundle without the new keys keeps the holidays and drops the first-action target
    publish(gateway, tmp_path, BUNDLE)
    enrolled_box.intake("PASSPORT")
    assert agent.sync_once().bundle == "bundle version 2 applied"
    assert models.Holiday.select().count() == 2
    assert not models.FirstActionTarget.select().exists()


def test_bundle_with_a_bad_holiday_is_refused(gateway, enrolled_box, tmp_path):
    publish(gateway, tmp_path, SERVICE_LEVELS.replace('"1405/01/02"', '"Nowruz"'))
    outcome = enrolled_box.agent().sync_once().bundle
    assert outcome.startswith("bundle refused") and "Jalali" in outcome, outcome
    assert not enrolled_box.box.store.models.Holiday.select().exists()
