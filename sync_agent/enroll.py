"""`edge enroll`: bind this box to an office at the gateway and pin its keys.

Pinning and resealing happen in one write transaction: the enrolment row,
every plain record sealed to the gateway's key, and the office code the
centre knows. The outbox's sealer (`sealing.EnrolmentSealer`) reads the
enrolment row, so from that transaction on it seals too.
"""

from __future__ import annotations

import logging

from edge.fields import utc_text
from sync_agent import sealing, state
from sync_agent.client import GatewayClient
from sync_agent.schema import SyncEnrolment
from wire import enrolment as wire
from wire.encoding import load_x25519_public
from wire.errors import ProtocolError

log = logging.getLogger(__name__)


class EnrollError(Exception):
    """Enrolment refused or impossible; one line for the technician."""


def enroll(box, gateway_url: str, token: str, client: GatewayClient | None = None) -> SyncEnrolment:
    existing = state.enrolment(box.store)
    if existing is not None:
        raise EnrollError(f"this box is enrolled already with {existing.gateway_url} "
                          f"for office {existing.office}")
    device_id = box.keys.device_id
    request = wire.enroll_request(token.strip(), device_id, box.keys.signing_key,
                                  box.keys.exchange_key)
    own_client = client is None
    client = client or GatewayClient(gateway_url, timeout=box.settings["sync.timeout_seconds"])
    before = box.clock.now()
    try:
        answer = client.enroll(request)
    finally:
        if own_client:
            client.close()
    after = box.clock.now()
    try:
        pinned = wire.read_answer(answer, device_id)
    except ProtocolError as error:
        raise EnrollError(f"the gateway's answer cannot be trusted: {error}") from None
    sealer = sealing.HpkeSealer(device_id, load_x25519_public(pinned.exchange_key))
    with box.store.write():
        row = box.store.models.SyncEnrolment.create(
            id=1, gateway_url=gateway_url.rstrip("/"), device_id=device_id, tag=pinned.tag,
            office=pinned.office, centre_key=pinned.centre_key, exchange_key=pinned.exchange_key,
            enrolled_at=utc_text(after))
        resealed = sealing.reseal_plain_records(box.store, sealer)
        offices = box.store.models.Office
        office = offices.select().first()
        if office is not None and pinned.office and office.code != pinned.office:
            offices.update(code=pinned.office, name=pinned.office_name or office.name).where(
                offices.id == office.id).execute()
        midpoint = (int(before.timestamp() * 1000) + int(after.timestamp() * 1000)) // 2
        state.put(box.store, state.SKEW_MS, pinned.gateway_ms - midpoint)
        box.events.record("technician", "sync.enrolled", pinned.office,
                          {"gateway": gateway_url, "resealed": resealed})
    log.info("enrolled with %s for office %s; %d queued records sealed",
             gateway_url, pinned.office, resealed)
    return row
