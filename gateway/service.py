"""The gateway's rules: offices, enrolment, batch ingest, feed, bundles.

HTTP and CLI are thin layers over `Gateway`. Crypto work (signature,
opening each record) is done before the write transaction, so the one
serialising lock is held only for the few inserts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from peewee import Database, IntegrityError

from gateway import db as gdb
from gateway.db import ApiKey, BatchRow, Bundle, Conflict, Device, EnrollToken, Office, Record
from edge.tracking import device_tag   # the prefix of the box's tracking codes
from sync_agent import protocol

log = logging.getLogger(__name__)

CONFIG_FILE = "gateway.toml"
KEYS_DIR = "keys"
TOKEN_HOURS = 72
LICENCE_STATES = ("active", "suspended", "revoked", "expired")


class GatewayError(Exception):
    """A refusal with an HTTP status and a one-line reason for people."""
    status = 400
    code = "bad_request"

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status or self.status
        self.code = code or self.code


class NotEnrolled(GatewayError):
    status, code = 403, "not_enrolled"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class GatewayKeys:
    centre: Ed25519PrivateKey      # signs bundles and enrolment answers
    exchange: X25519PrivateKey     # HPKE recipient of every sealed record

    @classmethod
    def create(cls, folder: Path) -> "GatewayKeys":
        folder.mkdir(parents=True, exist_ok=True)
        keys = cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        for name, key in (("centre.key", keys.centre), ("exchange.key", keys.exchange)):
            path = folder / name
            if path.exists():
                raise GatewayError(f"{path} exists already: this gateway has keys")
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(protocol.private_bytes(key))
        return keys

    @classmethod
    def load(cls, folder: Path) -> "GatewayKeys":
        try:
            centre = (folder / "centre.key").read_bytes()
            exchange = (folder / "exchange.key").read_bytes()
        except FileNotFoundError:
            raise GatewayError(f"no gateway keys in {folder}: run `edge-gateway init` first") from None
        return cls(Ed25519PrivateKey.from_private_bytes(centre),
                   X25519PrivateKey.from_private_bytes(exchange))

    def public(self) -> dict[str, str]:
        return {"centre_key": protocol.b64(protocol.public_bytes(self.centre.public_key())),
                "exchange_key": protocol.b64(protocol.public_bytes(self.exchange.public_key()))}


def configured_db_url(home: Path) -> str | None:
    path = home / CONFIG_FILE
    if not path.exists():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8")).get("db")


def init_home(home: Path, db_url: str | None) -> "Gateway":
    """`edge-gateway init`: keys, the config file and the schema."""
    home.mkdir(parents=True, exist_ok=True)
    keys_dir = home / KEYS_DIR
    if (keys_dir / "centre.key").exists():
        keys = GatewayKeys.load(keys_dir)
    else:
        keys = GatewayKeys.create(keys_dir)
    if db_url:
        (home / CONFIG_FILE).write_text(f"db = {json.dumps(db_url)}\n", encoding="utf-8")
    gateway = Gateway(home, gdb.database_for(db_url, home), keys)
    gateway.migrate()
    return gateway


def open_gateway(home: Path, db_url: str | None = None,
                 clock_ms: Callable[[], int] = gdb.now_ms) -> "Gateway":
    db_url = db_url or os.environ.get("EDGE_GATEWAY_DB") or configured_db_url(home)
    keys = GatewayKeys.load(home / KEYS_DIR)
    return Gateway(home, gdb.database_for(db_url, home), keys, clock_ms)


class Gateway:
    def __init__(self, home: Path, db: Database, keys: GatewayKeys,
                 clock_ms: Callable[[], int] = gdb.now_ms):
        self.home = home
        self.db = db
        self.keys = keys
        self.clock_ms = clock_ms
        gdb.bind(db)

    def migrate(self) -> None:
        gdb.migrate(self.db)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    # ------------------------------------------------------------ admin

    def add_office(self, code: str, name: str) -> Office:
        code = code.strip()
        if not code:
            raise GatewayError("office code must not be empty")
        try:
            with gdb.write(self.db):
                return Office.create(code=code, name=name, created_ms=self.clock_ms())
        except IntegrityError:
            raise GatewayError(f"office {code} exists already") from None

    def office_exists(self, code: str) -> bool:
        return Office.select().where(Office.code == code).exists()

    def office(self, code: str) -> Office:
        office = Office.get_or_none(Office.code == code)
        if office is None:
            raise GatewayError(f"no office {code}: add it with `edge-gateway office add {code}`",
                               status=404, code="unknown_office")
        return office

    def issue_token(self, office_code: str, hours: int = TOKEN_HOURS) -> str:
        office = self.office(office_code)
        token = secrets.token_urlsafe(18)
        now = self.clock_ms()
        with gdb.write(self.db):
            EnrollToken.create(token_hash=_hash(token), office=office, created_ms=now,
                               expires_ms=now + hours * 3_600_000)
        return token

    def issue_api_key(self, name: str) -> str:
        key = "pk_" + secrets.token_urlsafe(24)
        with gdb.write(self.db):
            ApiKey.create(name=name, key_hash=_hash(key), created_ms=self.clock_ms())
        return key

    def check_api_key(self, key: str | None) -> ApiKey:
        row = ApiKey.get_or_none(ApiKey.key_hash == _hash(key or ""))
        if row is None or row.revoked:
            raise GatewayError("a valid API key is needed (Authorization: Bearer KEY)",
                               status=401, code="unauthorized")
        return row

    def devices(self) -> list[dict[str, Any]]:
        rows = []
        for device in Device.select(Device, Office).join(Office).order_by(Device.id):
            conflicts = Conflict.select().where(Conflict.device == device).count()
            rows.append({"device": device.device_id, "tag": device.tag,
                         "office": device.office.code, "held_seq": device.held_seq,
                         "enrolled_at": _iso(device.enrolled_ms),
                         "last_seen_at": _iso(device.last_seen_ms), "skew_ms": device.skew_ms,
                         "conflicts": conflicts})
        return rows

    # ------------------------------------------------------------ enrolment

    def enroll(self, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise GatewayError("enrolment request must be a JSON object")
        token, device_id = request.get("token"), request.get("device")
        if not isinstance(token, str) or not isinstance(device_id, str) or not device_id \
                or len(device_id) > protocol.MAX_DEVICE_ID:
            raise GatewayError("enrolment request needs token and device")
        signing_key = protocol.unb64(request.get("signing_key"), "signing_key")
        exchange_key = protocol.unb64(request.get("exchange_key"), "exchange_key")
        protocol.load_x25519_public(exchange_key)
        signature = protocol.unb64(request.get("signature"), "signature")
        protocol.verify_enroll(signature, token, device_id, signing_key, exchange_key)
        tag = device_tag(signing_key)
        now = self.clock_ms()
        with gdb.write(self.db):
            row = EnrollToken.get_or_none(EnrollToken.token_hash == _hash(token))
            if row is None:
                raise GatewayError("enrolment token unknown: ask the centre for a new one",
                                   status=403, code="token_unknown")
            if row.used_ms is not None:
                if self._enrolled_with(row, device_id, signing_key, exchange_key):
                    # the box never got our answer (a dropped link): give it again
                    return self._enrolment_answer(device_id, tag, row.office, now)
                raise GatewayError("enrolment token already used: ask the centre for a new one",
                                   status=403, code="token_used")
            if row.expires_ms <= now:
                raise GatewayError(f"enrolment token expired at {_iso(row.expires_ms)}: "
                                   "ask the centre for a new one", status=403, code="token_expired")
            if Device.get_or_none(Device.device_id == device_id) is not None:
                raise GatewayError(f"device {device_id} is enrolled already",
                                   status=409, code="device_enrolled")
            taken = Device.get_or_none(Device.tag == tag)
            if taken is not None:
                raise GatewayError(
                    f"device tag {tag} is taken by another device: regenerate this box's keys "
                    "(move its data folder's keys/ aside, run edge init) and enrol again",
                    status=409, code="tag_taken")
            office = row.office
            Device.create(device_id=device_id, tag=tag, office=office, signing_key=signing_key,
                          exchange_key=exchange_key, enrolled_ms=now)
            row.used_ms, row.used_by = now, device_id
            row.save()
        log.info("device %s (tag %s) enrolled for office %s", device_id, tag, office.code)
        return self._enrolment_answer(device_id, tag, office, now)

    @staticmethod
    def _enrolled_with(token_row, device_id: str, signing_key: bytes, exchange_key: bytes) -> bool:
        """Did this very token enrol this very device, with these keys?"""
        device = Device.get_or_none(Device.device_id == device_id)
        return (token_row.used_by == device_id and device is not None
                and bytes(device.signing_key) == signing_key
                and bytes(device.exchange_key) == exchange_key)

    def _enrolment_answer(self, device_id: str, tag: str, office, now: int) -> dict[str, Any]:
        answer = {"device": device_id, "tag": tag, "office": office.code,
                  "office_name": office.name, "time_ms": now, **self.keys.public()}
        answer["answer_signature"] = protocol.b64(self.keys.centre.sign(protocol.canonical(answer)))
        return answer

    # ------------------------------------------------------------ ingest

    def ingest(self, data: bytes) -> bytes:
        """Verify, open and store one batch; the binary ack."""
        batch = protocol.decode_batch(data)
        device = Device.get_or_none(Device.device_id == batch.device_id)
        if device is None:
            raise NotEnrolled(f"device {batch.device_id} is not enrolled: enrol it with a token")
        protocol.verify_batch(batch, protocol.load_ed25519_public(bytes(device.signing_key)))
        opened = []
        for offset, body in enumerate(batch.bodies):
            seq = batch.first_seq + offset
            plaintext = protocol.open_sealed(body, self.keys.exchange, batch.device_id, seq)
            event = protocol.decode_event(seq, plaintext)
            opened.append((event, hashlib.sha256(plaintext).hexdigest()))
        for attempt in range(3):
            try:
                held = self._store(device.id, batch, data, opened)
                break
            except IntegrityError:     # a concurrent upload won a race we did not lock out
                log.info("ingest race on device %s, retrying", batch.device_id)
        else:
            raise GatewayError("could not store the batch, try again", status=503, code="busy")
        key = protocol.ack_key(self.keys.exchange, bytes(device.exchange_key))
        return protocol.encode_ack(key, data, held, self.clock_ms(), self.latest_bundle_version())

    def _store(self, device_pk: int, batch: protocol.Batch, data: bytes,
               opened: list[tuple[protocol.Event, str]]) -> int:
        now = self.clock_ms()
        with gdb.write(self.db):
            device = Device.get_by_id(device_pk)
            held = device.held_seq
            fresh, clashes = [], []
            for event, digest in opened:
                if event.seq <= held:
                    existing = Record.get_or_none((Record.device == device_pk) & (Record.seq == event.seq))
                    if existing is not None and existing.digest != digest and not (
                            Conflict.select().where((Conflict.device == device_pk)
                                                    & (Conflict.seq == event.seq)
                                                    & (Conflict.new_digest == digest)).exists()):
                        clashes.append((event, digest, existing.digest))
                elif event.seq == held + 1 + len(fresh):
                    fresh.append((event, digest))
                else:
                    break   # a gap: the box resends from held + 1
            new_held = held + len(fresh)
            device.last_seen_ms = now
            device.skew_ms = now - batch.sent_ms if batch.sent_ms else None
            if not fresh and not clashes:
                device.save()
                return held        # a retry or a replay: nothing new
            row = BatchRow.create(device=device_pk, received_ms=now, sent_ms=batch.sent_ms,
                                  first_seq=batch.first_seq, last_seq=batch.last_seq,
                                  new_records=len(fresh), conflicts=len(clashes),
                                  held_after=new_held, digest=protocol.batch_digest(data),
                                  body=data)
            if fresh:
                gdb.insert_records(self.db, [
                    (device_pk, event.seq, event.type, event.hlc, event.created_at,
                     json.dumps(event.payload, ensure_ascii=False, sort_keys=True), digest,
                     row.id, now)
                    for event, digest in fresh])
            for event, digest, held_digest in clashes:
                Conflict.create(device=device_pk, seq=event.seq, held_digest=held_digest,
                                new_digest=digest, type=event.type,
                                payload=json.dumps(event.payload, ensure_ascii=False),
                                batch=row.id, received_ms=now)
                log.error("CONFLICT: device %s sent seq %d again with other content; kept aside "
                          "in conflict table", batch.device_id, event.seq)
            device.held_seq = new_held
            device.save()
            return new_held

    # ------------------------------------------------------------ feed

    def feed(self, after: int, limit: int) -> dict[str, Any]:
        query = (Record.select(Record, Device.device_id, Office.code)
                 .join(Device).join(Office).where(Record.id > after)
                 .order_by(Record.id).limit(limit))
        records = [{"id": r.id, "device": r.device.device_id, "office": r.device.office.code,
                    "seq": r.seq, "type": r.type, "hlc": r.hlc, "created_at": r.created_at,
                    "payload": json.loads(r.payload), "batch": r.batch_id,
                    "received_at": _iso(r.received_ms)} for r in query]
        return {"records": records, "next": str(records[-1]["id"] if records else after)}

    def batches(self, after: int, limit: int) -> dict[str, Any]:
        query = (BatchRow.select(BatchRow.id, BatchRow.received_ms, BatchRow.sent_ms,
                                 BatchRow.first_seq, BatchRow.last_seq, BatchRow.new_records,
                                 BatchRow.conflicts, BatchRow.digest, Device.device_id, Office.code)
                 .join(Device).join(Office).where(BatchRow.id > after)
                 .order_by(BatchRow.id).limit(limit))
        rows = [{"id": b.id, "device": b.device.device_id, "office": b.device.office.code,
                 "received_at": _iso(b.received_ms), "sent_at": _iso(b.sent_ms),
                 "first_seq": b.first_seq, "last_seq": b.last_seq, "new_records": b.new_records,
                 "conflicts": b.conflicts, "digest": b.digest} for b in query]
        return {"batches": rows, "next": str(rows[-1]["id"] if rows else after)}

    def conflicts(self) -> list[dict[str, Any]]:
        return [{"device": c.device.device_id, "seq": c.seq, "type": c.type,
                 "held_digest": c.held_digest, "new_digest": c.new_digest,
                 "payload": json.loads(c.payload), "batch": c.batch_id,
                 "received_at": _iso(c.received_ms)}
                for c in Conflict.select(Conflict, Device).join(Device).order_by(Conflict.id)]

    # ------------------------------------------------------------ bundles

    def latest_bundle_version(self) -> int:
        row = Bundle.select(Bundle.version).order_by(Bundle.version.desc()).first()
        return row.version if row else 0

    def publish(self, path: Path) -> int:
        """`edge-gateway publish BUNDLE.toml`; returns the new version."""
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise GatewayError(f"cannot read bundle {path}: {error}") from None
        return self.publish_document(document)

    def publish_document(self, document: dict) -> int:
        document = _jsonable(dict(document))
        now = self.clock_ms()
        issued = datetime.fromtimestamp(now / 1000, timezone.utc)
        days = document.pop("expires_days", 30)
        if not isinstance(days, int) or days < 1:
            raise GatewayError("expires_days must be a whole number of days, 1 or more")
        expires = document.pop("expires_at", None) or (issued + timedelta(days=days)).isoformat()
        requested = document.pop("version", None)
        for name in ("services", "tariffs", "suppliers"):
            if not isinstance(document.setdefault(name, []), list):
                raise GatewayError(f"bundle {name} must be a list of tables ([[{name}]])")
        offices = document.setdefault("offices", {})
        if not isinstance(offices, dict):
            raise GatewayError("bundle offices must be a table of offices ([offices.CODE])")
        for code, office in offices.items():
            if not isinstance(office, dict):
                raise GatewayError(f"office {code}: must be a table ([offices.{code}])")
            status = office.get("licence_status", "active")
            if status not in LICENCE_STATES:
                raise GatewayError(f"office {code}: licence_status must be one of "
                                   + ", ".join(LICENCE_STATES))
        with gdb.write(self.db):
            latest = self.latest_bundle_version()
            version = latest + 1 if requested is None else requested
            if not isinstance(version, int) or version <= latest:
                raise GatewayError(f"bundle version must rise: the latest is {latest}, got {version}")
            text = json.dumps(document, ensure_ascii=False, sort_keys=True)
            Bundle.create(version=version, issued_at=issued.isoformat(), expires_at=str(expires),
                          document=text, digest=hashlib.sha256(text.encode()).hexdigest(),
                          published_ms=now)
        return version

    def bundle_for(self, device_id: str, have: int = 0, tag: str | None = None) -> dict[str, Any] | None:
        """The signed bundle for this device's office, or None before any publish.
        Over HTTP the request carries the device's tag (see protocol.bundle_request_tag)."""
        device = Device.get_or_none(Device.device_id == device_id)
        if device is None:
            raise NotEnrolled(f"device {device_id} is not enrolled")
        if tag is not None:
            key = protocol.ack_key(self.keys.exchange, bytes(device.exchange_key))
            protocol.check_bundle_request(key, device_id, have, tag)
        row = Bundle.select().order_by(Bundle.version.desc()).first()
        if row is None:
            return None
        document = json.loads(row.document)
        code = device.office.code
        office = document.get("offices", {}).get(code, {})
        all_services = [s.get("code") for s in document["services"]]
        bundle = {
            "version": row.version, "issued_at": row.issued_at, "expires_at": row.expires_at,
            "office": {"code": code, "name": device.office.name,
                       "licence_number": office.get("licence_number", ""),
                       "licence_status": office.get("licence_status", "active"),
                       "licence_expires": office.get("licence_expires"),
                       "services": office.get("services", all_services)},
            "services": document["services"], "tariffs": document["tariffs"],
            "suppliers": document["suppliers"],
        }
        return protocol.sign_bundle(self.keys.centre, bundle)


def _jsonable(value: Any) -> Any:
    """TOML dates and times as ISO text, so the bundle is plain JSON."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
