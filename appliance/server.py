"""`edge run`: the portal and API served by waitress, with the box's workers,
until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Callable

from waitress.server import create_server

from appliance.service_manager import ServiceManagerNotifier
from web import create_app

log = logging.getLogger(__name__)


class BoxServer:
    """The running box: a waitress server in a thread plus the box's workers."""

    def __init__(self, box, host: str, port: int, threads: int = 8):
        self.box = box
        self.app = create_app(box)
        self.server = create_server(self.app, host=host, port=port, threads=threads,
                                    ident="pishkhan-edge", clear_untrusted_proxy_headers=True)
        self._thread = threading.Thread(target=self._serve, name="waitress", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def _serve(self) -> None:
        try:
            self.server.run()
        except OSError:   # the socket closed under us at shutdown
            pass

    def serving(self) -> bool:
        """The server's thread is alive (it ends only if waitress died)."""
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()
        self.box.start_workers()
        log.info("serving on %s", self.url)

    def stop(self) -> None:
        self.box.stop_workers()
        self.close_server()
        self.box.store.close()

    def close_server(self) -> None:
        """Stop listening, drop idle keep-alive connections (the loop would
        otherwise wait for their timeout) and let running requests finish."""
        self.server.close()
        for channel in list(self.server._map.values()):
            channel.close()
        self.server.task_dispatcher.shutdown()
        self._thread.join(timeout=5)


def run_until_signalled(servers: list, on_ready=None,
                        notifier: ServiceManagerNotifier | None = None,
                        healthy: Callable[[], bool] = lambda: True) -> None:
    """Start everything, tell the service manager it is ready, wait for Ctrl-C
    or SIGTERM, stop everything cleanly. While waiting, this loop feeds the
    service manager's watchdog, but only while `healthy()`: a stalled loop or
    a dead server sends no pings, and systemd restarts the service."""
    notifier = notifier or ServiceManagerNotifier()
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    for server in servers:
        server.start()
    if on_ready:
        on_ready()
    notifier.ready()
    while not stopping.wait(notifier.ping_interval):
        if healthy():
            notifier.watchdog()
        else:
            log.error("the portal's server thread has stopped: no more watchdog pings")
    notifier.stopping()
    for server in reversed(servers):
        server.stop()
