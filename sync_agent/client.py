"""The box's thin HTTP transport to the gateway: one keep-alive connection
with the standard library's http.client, minimal headers.

Every method returns parsed answers or raises `GatewayUnreachable` (link
trouble: retry later) or `GatewayRefused` (the gateway said no: the reason is
in words). Headers are cut to the bone because on GSM every byte is paid: a
request carries its line, `Host` and `Content-Length` and nothing else. Not
requests: it and urllib3 were ~5 MB of a running box's memory, for one
connection to one host.
"""

from __future__ import annotations

import http.client
import json
import select
import urllib.parse
from dataclasses import dataclass
from email.message import Message
from typing import Any

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


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Message
    content: bytes


class GatewayClient:
    def __init__(self, base_url: str, timeout: float = 30.0, connect_timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, timeout)
        self._connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _call(self, method: str, path: str, timeout: tuple[float, float] | None = None,
              body: bytes | None = None, content_type: str = "") -> _Response:
        connect_timeout, read_timeout = timeout or self.timeout
        try:
            connection = self._connected(connect_timeout)
            connection.sock.settimeout(read_timeout)
            _send(connection, method, self._target(path), body, content_type)
            response = connection.getresponse()
            answer = _Response(response.status, response.headers, response.read())
        except TimeoutError as error:
            self.close()
            raise GatewayUnreachable(f"gateway did not answer in time ({error.__class__.__name__})",
                                     timed_out=True) from None
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise GatewayUnreachable(f"cannot reach the gateway: {_short(error)}") from None
        if response.will_close:
            self.close()
        if answer.status >= 400:
            raise _refusal(answer)
        return answer

    def _connected(self, connect_timeout: float) -> http.client.HTTPConnection:
        """The kept-alive connection, or a new one when there is none or the
        gateway closed it while it was idle (as a browser would find out)."""
        if self._connection is not None and _closed_by_peer(self._connection):
            self.close()
        if self._connection is None:
            url = urllib.parse.urlsplit(self.base_url)
            if url.scheme not in ("http", "https") or not url.hostname:
                raise GatewayUnreachable(f"the gateway's address is not an http(s) URL: "
                                         f"{self.base_url}")
            kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
            connection = kind(url.hostname, url.port, timeout=connect_timeout)
            connection.connect()
            self._connection = connection
        return self._connection

    def _target(self, path: str) -> str:
        return urllib.parse.urlsplit(self.base_url).path + path

    def enroll(self, request: dict[str, Any]) -> dict[str, Any]:
        response = self._call("POST", "/v1/enroll", body=json.dumps(request).encode("utf-8"),
                              content_type="application/json")
        return _json(response)

    def send_batch(self, wire: bytes, ack_key: bytes, timeout: float | None = None) -> Ack:
        """The gateway's verified answer; a garbled or forged one counts as no answer."""
        limits = (self.timeout[0], timeout) if timeout else None
        response = self._call("POST", BATCH_PATH, timeout=limits, body=wire)
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
        query = urllib.parse.urlencode({"device": device_id, "have": have, "tag": tag})
        response = self._call("GET", "/v1/bundle?" + query)
        gateway_ms = _header_ms(response)
        if response.status == 204:
            return None, gateway_ms
        return _json(response), gateway_ms


def _send(connection: http.client.HTTPConnection, method: str, target: str,
          body: bytes | None, content_type: str) -> None:
    connection.putrequest(method, target, skip_accept_encoding=True)
    if content_type:
        connection.putheader("Content-Type", content_type)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """An idle keep-alive socket that is readable has been closed (or sent
    something unasked): either way it cannot carry the next request."""
    if connection.sock is None:
        return True
    try:
        readable, _, _ = select.select([connection.sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _header_ms(response: _Response) -> int | None:
    value = response.headers.get("X-Gateway-Time", "")
    return int(value) if value.isdigit() else None


def _json(response: _Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        raise GatewayUnreachable("garbled answer from the gateway (not JSON)") from None


def _refusal(response: _Response) -> SyncError:
    try:
        error = json.loads(response.content)["error"]
        message, code = str(error["message"]), str(error["code"])
    except (ValueError, KeyError, TypeError):
        if response.status >= 500 or response.status in (408, 429):
            return GatewayUnreachable(f"gateway answered HTTP {response.status}")
        return GatewayRefused(f"gateway answered HTTP {response.status}",
                              response.status, "http")
    if response.status >= 500:
        return GatewayUnreachable(f"gateway trouble: {message}")
    return GatewayRefused(message, response.status, code)


def _short(error: Exception) -> str:
    text = str(error)
    if "Connection refused" in text:
        return "connection refused"
    if "reset" in text.lower() or "aborted" in text.lower():
        return "connection cut"
    return text.split(":")[-1].strip()[:120] or error.__class__.__name__
