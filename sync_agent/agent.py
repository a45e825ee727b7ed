"""The sync agent: forwards the sealed outbox to the gateway, exactly once
and in order, and fetches downlink bundles.

A state machine a person can read on `/sync`:

    not_enrolled -> idle <-> sending -> backing_off -> sending ...
    disabled (sync.enabled = false)

Batches are consecutive records from the first unacknowledged one. Their
size adapts to the link: it starts small, doubles after each success and
halves after a timeout. After a failure the agent waits an exponential
backoff with full jitter. A record is pending until the gateway's
acknowledgement covers it; then it is kept until the acknowledgement says the
central system has pulled it, or `sync.keep_days` have passed, or the kept
records pass `sync.keep_megabytes` (edge.outbox). An acknowledgement below the
box's mark means the gateway lost records (its database restored from an
older copy): the kept ones are sent again, and when the box no longer keeps
the first record the gateway lacks, it says so (`resume`): the central system
had pulled it. Nothing else is kept in memory, so a restart (or a kill
mid-send) resumes where the store says.

The agent only talks when it has something to say: when records wait, and
once per `sync.bundle_check_seconds` for bundles (a batch's ack also tells
the newest bundle version, so a busy box learns of bundles for free).

A new intake calls `soon()`: the agent sends `sync.coalesce_seconds` later,
with whatever else was written meanwhile, so an intake reaches the gateway
within seconds while a burst still travels as one batch. While backing off
after a lost link, the agent probes it every `sync.probe_seconds` with one
small request and drains the queue as soon as the probe is answered, rather
than sleeping out a long backoff.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from edge.fields import utc_text
from edge.worker import Backoff, Round, Worker
from sync_agent import bundle as bundles
from sync_agent import sealing, state
from sync_agent.client import GatewayClient, GatewayRefused, GatewayUnreachable, SyncError
from wire.ack import Ack, ack_key
from wire.batch import encode_batch, encode_tagged_batch

log = logging.getLogger(__name__)

# Failures of the link itself, worth a cheap probe while backing off; a refusal
# or an internal error waits out its backoff.
PROBED_FAILURES = ("unreachable", "timeout")


class AgentState(enum.Enum):
    NOT_ENROLLED = "not_enrolled"
    DISABLED = "disabled"
    IDLE = "idle"
    SENDING = "sending"
    BACKING_OFF = "backing_off"


@dataclass
class SyncResult:
    ok: bool
    sent: int = 0
    acked_seq: int = 0
    batches: int = 0
    bundle: str = ""
    error: str = ""
    error_code: str = ""
    talked: bool = False


class SyncAgent(Worker):
    """One per box; as a worker of `edge run` it syncs every
    `sync.interval_seconds`, when woken (the portal's button, a new intake),
    and after a failure once its jittered backoff has passed."""

    def __init__(self, box, client_factory: Callable[[str, float], GatewayClient] | None = None,
                 rng: random.Random | None = None, monotonic: Callable[[], float] = time.monotonic):
        settings = box.settings
        super().__init__("sync-agent", idle_seconds=settings["sync.interval_seconds"],
                         backoff=Backoff(settings["sync.backoff_min_seconds"],
                                         settings["sync.backoff_max_seconds"], rng or random.Random()),
                         join_seconds=settings["sync.timeout_seconds"] + 5, monotonic=monotonic)
        self.box = box
        self.settings = settings
        self.client_factory = client_factory or (lambda url, timeout: GatewayClient(url, timeout))
        self.state = AgentState.IDLE
        self._client: GatewayClient | None = None
        self._client_url = ""
        self._lock = threading.Lock()                 # one sync at a time
        self._soon_at: float | None = None            # soon(): sync at this moment (monotonic)
        self._link_lost = False                       # the last round failed on the link
        self._now_asked = False                       # wake(): no coalescing, sync at once
        self._last_bundle_check = 0.0                 # monotonic; 0 means "check at start"

    # ------------------------------------------------------------ worker

    def step(self) -> Round:
        result = self.sync_once()
        self._link_lost = result.error_code in PROBED_FAILURES
        if result.ok or self.state in (AgentState.NOT_ENROLLED, AgentState.DISABLED):
            return Round.IDLE     # a box not enrolled asks again at the usual pace
        self.state = AgentState.BACKING_OFF
        return Round.FAILED

    def _recover(self) -> None:
        self.state = AgentState.BACKING_OFF    # the store is unharmed: try again later

    def _on_stop(self) -> None:
        if self._client:
            self._client.close()
            self._client = None

    def wake(self) -> None:
        self._now_asked = True
        super().wake()

    def soon(self, _intake=None) -> None:
        """A record was written (an intake hook): sync after the coalescing
        delay, so the records of a burst share one exchange. Ignored while
        backing off: the probe notices the link's return."""
        if self._soon_at is None and self.state is not AgentState.BACKING_OFF:
            self._soon_at = self.monotonic() + self.settings["sync.coalesce_seconds"]
            self._wake.set()

    def _pause(self, wait: float) -> None:
        """Until the wait is over, wake() is called, a soon() falls due, or,
        after a lost link, a probe is answered."""
        deadline = self.monotonic() + wait
        probe_every = self.settings["sync.probe_seconds"]
        while not self._stopping.is_set():
            due = deadline if self._soon_at is None else min(deadline, self._soon_at)
            remaining = due - self.monotonic()
            if remaining <= 0:
                break
            probing = self._link_lost and remaining > probe_every
            if self._wake.wait(probe_every if probing else remaining):
                self._wake.clear()
                if self._now_asked:           # the button: no coalescing
                    break
            elif probing and self._link_answers():
                break
        self._soon_at, self._now_asked = None, False

    def _link_answers(self) -> bool:
        enrolment = self._read(lambda: state.enrolment(self.box.store))
        if enrolment is None or not self._read(self.box.outbox.depth):
            return False
        return self._client_for(enrolment.gateway_url).probe(self.settings["sync.probe_seconds"])

    # ------------------------------------------------------------ one sync

    def sync_once(self, force_bundle: bool = False) -> SyncResult:
        """Send everything pending, then check for a bundle when due."""
        with self._lock:
            if not self.settings["sync.enabled"]:
                self.state = AgentState.DISABLED
                return SyncResult(ok=True)
            enrolment = self._read(lambda: state.enrolment(self.box.store))
            if enrolment is None:
                self.state = AgentState.NOT_ENROLLED
                return SyncResult(ok=False, error="this box is not enrolled with a gateway",
                                  error_code="not_enrolled")
            seal_stragglers(self.box.store, enrolment)
            client = self._client_for(enrolment.gateway_url)
            result = SyncResult(ok=True)
            try:
                self._send_pending(client, enrolment, result)
                self._maybe_fetch_bundle(client, enrolment, result, force_bundle)
            except SyncError as error:
                result.ok, result.error, result.error_code = False, str(error), _code(error)
            self._finish(result)
            return result

    def _send_pending(self, client: GatewayClient, enrolment, result: SyncResult) -> None:
        gateway_held = None            # what the gateway said it holds, once it has answered
        while not self.stopping:
            size = (self._read(lambda: state.get(self.box.store, state.BATCH_SIZE))
                    or self.settings["sync.batch_min"])
            size = max(1, min(size, self.settings["sync.batch_max"]))
            records = self._read(lambda: consecutive(self._pending(size)))
            if not records:
                return
            # The box keeps nothing between what the gateway holds and this batch.
            resume = gateway_held is not None and records[0].seq > gateway_held + 1
            self.state = AgentState.SENDING
            key = self._ack_key(enrolment)
            wire = tagged_batch(self.box, enrolment, records, key)
            before = self.box.clock.now()
            result.talked = True
            try:
                ack = client.send_batch(wire, key,
                                        timeout=self.settings["sync.timeout_seconds"],
                                        resume=resume)
            except GatewayUnreachable as error:
                if error.timed_out:     # the link is slower than this batch: halve it
                    halved = max(1, size // 2)
                    self._write(lambda: state.put(self.box.store, state.BATCH_SIZE, halved))
                raise
            after = self.box.clock.now()
            self._on_ack(ack, records, before, after, size, result)
            refused_gap = not resume and records[0].seq > ack.held_seq + 1
            if ack.held_seq < records[0].seq and not refused_gap:
                raise SyncError(f"gateway holds only up to record {ack.held_seq} and took none "
                                f"from {records[0].seq} on")
            gateway_held = ack.held_seq

    def _offer_gateway_time(self, skew_ms: int) -> None:
        """The gateway's time outranks the box's own guess and the GSM network's."""
        clock = self.box.clock
        clock.offer(clock.now() + timedelta(milliseconds=skew_ms), source="gateway")

    def _on_ack(self, ack: Ack, records: list, before: datetime, after: datetime,
                size: int, result: SyncResult) -> None:
        midpoint_ms = (_ms(before) + _ms(after)) // 2
        grown = min(self.settings["sync.batch_max"], size * 2)
        store = self.box.store

        def record() -> None:
            again = self.box.outbox.acknowledge(ack.held_seq, after)
            if again:
                log.warning("the gateway holds records only up to %d (its database restored from "
                            "an older copy?): sending %d kept records again", ack.held_seq, again)
            self._keep_within_limits(ack.pulled_seq, after)
            state.put(store, state.SKEW_MS, ack.gateway_ms - midpoint_ms)
            state.put(store, state.GATEWAY_BUNDLE, ack.bundle_version)
            state.put(store, state.BATCH_SIZE, grown)
            state.put(store, state.SENT_RECORDS, state.get(store, state.SENT_RECORDS, 0)
                      + max(0, min(ack.held_seq, records[-1].seq) - records[0].seq + 1))
        self._write(record)
        self._offer_gateway_time(ack.gateway_ms - midpoint_ms)
        self._last_bundle_check = self.monotonic()   # the ack told the newest bundle version
        result.batches += 1
        result.sent += max(0, min(ack.held_seq, records[-1].seq) - records[0].seq + 1)
        result.acked_seq = ack.held_seq

    def _keep_within_limits(self, pulled_seq: int | None, now: datetime) -> None:
        """Drop the kept records the central system has pulled, and those past
        the days and bytes the box may keep (counted: the gateway could not
        get those back after a restore). Inside a write transaction."""
        store, outbox = self.box.store, self.box.outbox
        if pulled_seq is not None:
            outbox.release(pulled_seq)
            state.put(store, state.PULLED_SEQ, pulled_seq)
        dropped = outbox.trim(now - timedelta(days=self.settings["sync.keep_days"]),
                              self.settings["sync.keep_megabytes"] << 20)
        if dropped:
            state.put(store, state.DROPPED_UNPULLED,
                      state.get(store, state.DROPPED_UNPULLED, 0) + dropped)

    def _maybe_fetch_bundle(self, client: GatewayClient, enrolment, result: SyncResult,
                            force: bool) -> None:
        have = self._read(lambda: bundles.current_version(self.box.store))
        offered = self._read(lambda: state.get(self.box.store, state.GATEWAY_BUNDLE, 0))
        due = (self.monotonic() - self._last_bundle_check >= self.settings["sync.bundle_check_seconds"]
               or self._last_bundle_check == 0.0)
        if not (force or due or offered > have):
            return
        result.talked = True
        envelope, gateway_ms = client.fetch_bundle(enrolment.device_id, have,
                                                   self._ack_key(enrolment))
        self._last_bundle_check = self.monotonic()
        if gateway_ms is not None:
            skew = gateway_ms - _ms(self.box.clock.now())
            self._write(lambda: state.put(self.box.store, state.SKEW_MS, skew))
            self._offer_gateway_time(skew)
        if envelope is None:
            return
        outcome = bundles.apply_envelope(self.box, envelope, enrolment.centre_key,
                                         self.box.clock.now())
        result.bundle = outcome

    def _finish(self, result: SyncResult) -> None:
        now = utc_text(self.box.clock.now())
        store = self.box.store

        def record() -> None:
            if result.talked or not result.ok:
                state.put(store, state.LAST_ATTEMPT, now)
            if result.ok:
                if result.talked:
                    state.put(store, state.LAST_SUCCESS, now)
                state.put(store, state.LAST_ERROR, "")
                state.put(store, state.FAILURES, 0)
            else:
                state.put(store, state.LAST_ERROR, result.error)
                state.put(store, state.LAST_ERROR_CODE, result.error_code or "refused")
                state.put(store, state.LAST_ERROR_AT, now)
                state.put(store, state.FAILURES, state.get(store, state.FAILURES, 0) + 1)
        self._write(record)
        if result.ok:
            self.state = AgentState.IDLE
        else:
            log.warning("sync failed: %s", result.error)

    # ------------------------------------------------------------ helpers

    def _pending(self, limit: int) -> list:
        return list(self.box.outbox.pending().limit(limit))

    def _ack_key(self, enrolment) -> bytes:
        return ack_key(self.box.keys.exchange_key, bytes(enrolment.exchange_key))

    def _client_for(self, url: str) -> GatewayClient:
        if self._client is None or self._client_url != url:
            if self._client:
                self._client.close()
            self._client = self.client_factory(url, self.settings["sync.timeout_seconds"])
            self._client_url = url
        return self._client

    @staticmethod
    def _read(function):
        return function()   # peewee connects lazily, one connection per thread

    def _write(self, function):
        with self.box.store.write():
            return function()


def _code(error: SyncError) -> str:
    """What kind of failure, for the portal to say in the operator's language."""
    if isinstance(error, GatewayUnreachable):
        return "timeout" if error.timed_out else "unreachable"
    if isinstance(error, GatewayRefused) and error.code == "not_enrolled":
        return "not_enrolled"
    return "refused"


def seal_stragglers(store, enrolment) -> None:
    """A record appended by a process that had not installed the sealer."""
    if sealing.plain_records(store).exists():
        sealer = sealing.HpkeSealer.for_enrolment(enrolment)
        with store.write():
            sealing.reseal_plain_records(store, sealer)


def signed_batch(box, enrolment, records: list) -> bytes:
    """The wire batch of `records` (consecutive, sealed), signed with the
    device key: what a USB stick carries, through other people's hands."""
    return encode_batch(box.keys.signing_key, enrolment.device_id, _ms(box.clock.now()),
                        records[0].seq, [bytes(r.body) for r in records])


def tagged_batch(box, enrolment, records: list, key: bytes) -> bytes:
    """The wire batch of `records` the link carries: tagged with the key the
    box shares with its gateway (wire.batch says why not signed)."""
    return encode_tagged_batch(key, enrolment.tag, _ms(box.clock.now()), records[0].seq,
                               [bytes(r.body) for r in records])


def consecutive(records: list) -> list:
    """The leading run of consecutive sequence numbers (compaction keeps it so)."""
    run = records[:1]
    for record in records[1:]:
        if record.seq != run[-1].seq + 1:
            break
        run.append(record)
    return run


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
