"""A loopback link simulator between box and gateway: an HTTP-aware TCP
proxy that counts bytes both ways, throttles to a GSM-like link, can be cut,
and injects faults request by request.

It understands just enough HTTP/1.1 (a head, then Content-Length bytes) to
know where one request or answer ends, so a fault hits one exchange:

    pass          forward both ways
    delay         wait, then forward
    cut_before    close the connection; the gateway never sees the request
    truncate      send the gateway half the body, then cut
    flip          flip one byte of the request body
    drop_answer   the gateway answers, the box never hears it
    duplicate     send the request twice; the box hears the second answer
    garble_answer flip one byte of the answer body

Used by the fault tests and the benchmark.
Only ever listens on and connects to loopback.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger(__name__)

FAULTS = ("pass", "delay", "cut_before", "truncate", "flip", "drop_answer", "duplicate",
          "garble_answer")
MAX_HEAD = 64 * 1024


class _Closed(Exception):
    pass


@dataclass
class Link:
    """Throughput and latency of the simulated line (None: as fast as loopback)."""
    bytes_per_second: float | None = None
    one_way_delay: float = 0.0

    def carry(self, size: int) -> None:
        wait = self.one_way_delay
        if self.bytes_per_second:
            wait += size / self.bytes_per_second
        if wait > 0:
            time.sleep(wait)


@dataclass
class Counters:
    up: int = 0          # box -> gateway bytes
    down: int = 0        # gateway -> box bytes
    requests: int = 0
    faults: dict = field(default_factory=dict)


class LinkSim:
    def __init__(self, upstream_port: int, link: Link | None = None,
                 fault: Callable[[int, bytes], str] | None = None, port: int = 0,
                 delay_seconds: float = 0.5, seed: int = 0):
        self.upstream = ("127.0.0.1", upstream_port)
        self.link = link or Link()
        self.fault = fault or (lambda index, head: "pass")
        self.delay_seconds = delay_seconds
        self.rng = random.Random(seed)
        self.counters = Counters()
        self.captured: list[bytes] = []      # request bodies of POSTs, for replay tests
        self.up = True                       # False: the link is down, connections refused
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, name=f"linksim-{self.port}",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        self.cut_all()

    def cut_all(self) -> None:
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            _close(connection)

    def set_up(self, up: bool) -> None:
        self.up = up
        if not up:
            self.cut_all()

    # ------------------------------------------------------------ plumbing

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            if not self.up:
                _close(client)
                continue
            with self._lock:
                self._connections.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = None
        try:
            while not self._stopping.is_set() and self.up:
                request = _read_message(client, expect_body_for_head=None)
                if request is None:
                    return
                self.link.carry(len(request[0]) + len(request[1]))
                with self._lock:
                    index = self.counters.requests
                    self.counters.requests += 1
                    self.counters.up += len(request[0]) + len(request[1])
                    if request[0].startswith(b"POST"):
                        self.captured.append(request[1])
                fault = self.fault(index, request[0])
                with self._lock:
                    self.counters.faults[fault] = self.counters.faults.get(fault, 0) + 1
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=60)
                    with self._lock:
                        self._connections.add(upstream)
                if not self._exchange(client, upstream, request, fault):
                    return
        except (OSError, _Closed):
            return
        finally:
            _close(client)
            if upstream is not None:
                _close(upstream)

    def _exchange(self, client, upstream, request, fault: str) -> bool:
        """One request and its answer; False when the connection is to end."""
        head, body = request
        if fault == "cut_before":
            return False
        if fault == "delay":
            time.sleep(self.delay_seconds)
        if fault == "truncate":
            upstream.sendall(head + body[: len(body) // 2])
            return False
        if fault == "flip" and body:
            spot = self.rng.randrange(len(body))
            body = body[:spot] + bytes([body[spot] ^ (1 << self.rng.randrange(8))]) + body[spot + 1:]
        upstream.sendall(head + body)
        answer = _read_message(upstream, expect_body_for_head=head)
        if answer is None:
            return False
        if fault == "duplicate":
            upstream.sendall(head + body)
            answer = _read_message(upstream, expect_body_for_head=head) or answer
        if fault == "drop_answer":
            return False
        answer_head, answer_body = answer
        if fault == "garble_answer" and answer_body:
            spot = self.rng.randrange(len(answer_body))
            answer_body = (answer_body[:spot] + bytes([answer_body[spot] ^ 0x20])
                           + answer_body[spot + 1:])
        self.link.carry(len(answer_head) + len(answer_body))
        with self._lock:
            self.counters.down += len(answer_head) + len(answer_body)
        client.sendall(answer_head + answer_body)
        return b"connection: close" not in answer_head.lower()


def _read_message(sock: socket.socket, expect_body_for_head: bytes | None):
    """(head, body) of one HTTP message, or None at a clean end of stream."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            if buffer:
                raise _Closed()
            return None
        buffer += chunk
        if len(buffer) > MAX_HEAD:
            raise _Closed()
    head, _, rest = buffer.partition(b"\r\n\r\n")
    head += b"\r\n\r\n"
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
        if name.strip().lower() == b"transfer-encoding":
            raise _Closed()          # the box and the gateway never chunk
    body = rest
    while len(body) < length:
        chunk = sock.recv(min(65536, length - len(body)))
        if not chunk:
            raise _Closed()
        body += chunk
    return head, body[:length]


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def random_faults(rng: random.Random, rate: float = 0.4, faults=FAULTS[1:]):
    """A fault plan: each request gets a random fault with probability `rate`."""
    def choose(index: int, head: bytes) -> str:
        return rng.choice(faults) if rng.random() < rate else "pass"
    return choose
