"""The box's thin HTTP transport to the gateway (requests, minimal headers).

Every method returns parsed answers or raises `GatewayUnreachable` (link
trouble: retry later) or `GatewayRefused` (the gateway said no: the reason is
in words). Headers are cut to the bone because on GSM every byte is paid.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.util import SKIP_HEADER

from wire.ack import Ack, decode_ack, verify_ack
from wire.bundle import bundle_request_tag
from wire.errors import ProtocolError

# The gateway's short path for batches: its request line is paid on every exchange.
BATCH_PATH = "/b"


class SyncError(Exception):
    """Base of the sync agent's errors; the text is for people."""


class GatewayUnreachable(SyncError):
    """No answer, a cut connection, a timeout or a garbled answer."""

    def __init__(self, message: str, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


class GatewayRefused(SyncError):
    """The gateway answered with a refusal."""

    def __init__(self, message: str, status: int, code: str):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass
class Answer:
    body: Any
    gateway_ms: int | None
    sent_ms: int
    received_ms: int


class GatewayClient:
    def __init__(self, base_url: str, timeout: float = 30.0, connect_timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, timeout)
        self.session = requests.Session()
        # requests sends User-Agent, Accept and Accept-Encoding by default, and
        # urllib3 its own User-Agent and Accept-Encoding when none is given:
        # ~90 bytes a request the gateway never reads. SKIP_HEADER leaves them out.
        self.session.headers.clear()
        self.session.headers.update({"User-Agent": SKIP_HEADER, "Accept-Encoding": SKIP_HEADER})

    def close(self) -> None:
        self.session.close()

    def _call(self, method: str, path: str, timeout: tuple[float, float] | None = None, **kwargs):
        try:
            response = self.session.request(method, self.base_url + path,
                                            timeout=timeout or self.timeout, **kwargs)
        except requests.Timeout as error:
            raise GatewayUnreachable(f"gateway did not answer in time ({error.__class__.__name__})",
                                     timed_out=True) from None
        except requests.RequestException as error:
            raise GatewayUnreachable(f"cannot reach the gateway: {_short(error)}") from None
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def enroll(self, request: dict[str, Any]) -> dict[str, Any]:
        response = self._call("POST", "/v1/enroll", data=json.dumps(request),
                              headers={"Content-Type": "application/json"})
        return _json(response)

    def send_batch(self, wire: bytes, ack_key: bytes, timeout: float | None = None,
                   resume: bool = False) -> Ack:
        """The gateway's verified answer; a garbled or forged one counts as no answer.
        `resume`: the box keeps no record before this batch (gateway.ingest)."""
        limits = (self.timeout[0], timeout) if timeout else None
        response = self._call("POST", BATCH_PATH, timeout=limits, data=wire,
                              params={"resume": "1"} if resume else None)
        try:
            ack = decode_ack(response.content)
            verify_ack(ack, ack_key, wire)
        except ProtocolError as error:
            raise GatewayUnreachable(f"garbled acknowledgement: {error}") from None
        return ack

    def probe(self, timeout: float) -> bool:
        """Whether the gateway answers at all: one GET of its health, a
        few dozen bytes either way."""
        try:
            self._call("GET", "/v1/health", timeout=(timeout, timeout))
        except SyncError:
            return False
        return True

    def fetch_bundle(self, device_id: str, have: int, key: bytes) -> tuple[dict | None, int | None]:
        """The signed bundle if the gateway has one newer than `have`, and the gateway's time."""
        tag = bundle_request_tag(key, device_id, have)
        response = self._call("GET", "/v1/bundle",
                              params={"device": device_id, "have": have, "tag": tag})
        gateway_ms = _header_ms(response)
        if response.status_code == 204:
            return None, gateway_ms
        return _json(response), gateway_ms


def _header_ms(response: requests.Response) -> int | None:
    value = response.headers.get("X-Gateway-Time", "")
    return int(value) if value.isdigit() else None


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise GatewayUnreachable("garbled answer from the gateway (not JSON)") from None


def _refusal(response: requests.Response) -> SyncError:
    try:
        error = response.json()["error"]
        message, code = str(error["message"]), str(error["code"])
    except (ValueError, KeyError, TypeError):
        if response.status_code >= 500 or response.status_code in (408, 429):
            return GatewayUnreachable(f"gateway answered HTTP {response.status_code}")
        return GatewayRefused(f"gateway answered HTTP {response.status_code}",
                              response.status_code, "http")
    if response.status_code >= 500:
        return GatewayUnreachable(f"gateway trouble: {message}")
    return GatewayRefused(message, response.status_code, code)


def _short(error: Exception) -> str:
    text = str(error)
    if "Connection refused" in text:
        return "connection refused"
    if "reset" in text.lower() or "aborted" in text.lower():
        return "connection cut"
    return text.split(":")[-1].strip()[:120] or error.__class__.__name__
