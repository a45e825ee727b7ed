"""`edge run`: the portal and API served by waitress, with the box's workers,
until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading

from waitress.server import create_server

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


def run_until_signalled(servers: list, on_ready=None) -> None:
    """Start everything, wait for Ctrl-C or SIGTERM, stop everything cleanly."""
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    for server in servers:
        server.start()
    if on_ready:
        on_ready()
    stopping.wait()
    for server in reversed(servers):
        server.stop()
