"""The gateway's waitress server, without the HTTP Date header, and one that
runs in a thread and stops cleanly (tests, demo)."""

from __future__ import annotations

import re
import threading

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

_DATE_LINE = re.compile(rb"\r\nDate: [^\r\n]*")


class _UndatedTask(WSGITask):
    """Waitress adds a Date header to every answer unless the application
    sets one, and no setting turns it off (its `ident=""` only drops Server).
    Every gateway answer already carries the gateway's time in milliseconds
    (X-Gateway-Time, or inside the binary ack), which is what its clients
    read, so the 37 bytes of Date are left out: on a box's GSM link they
    were an eighth of an exchange."""

    def build_response_header(self) -> bytes:
        return _DATE_LINE.sub(b"", super().build_response_header(), count=1)


class _GatewayChannel(HTTPChannel):
    task_class = _UndatedTask


def create_server(app, host: str, port: int, threads: int):
    """A waitress server for the gateway app: no Server and no Date headers."""
    dispatchers: dict = {}
    server = waitress.create_server(app, map=dispatchers, host=host, port=port,
                                    threads=threads, ident="")
    for listener in dispatchers.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _GatewayChannel
    return server


class ServerThread:
    """A real waitress server in a daemon thread on a (free) loopback port."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 4):
        self.server = create_server(app, host, port, threads)
        self.port = self.server.effective_port
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True, name=f"http-{self.port}")
        self.thread.start()

    def stop(self) -> None:
        # Finish running requests first, so no task pulls a closed trigger;
        # then close every socket from inside the loop's own thread, so the
        # loop never selects on a closed descriptor, and it ends by itself.
        self.server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        self.server.trigger.pull_trigger(self._close_all)
        self.thread.join(timeout=5)

    def _close_all(self) -> None:
        for dispatcher in list(self.server._map.values()):
            dispatcher.close()
