"""A waitress server that can run in a thread and stop cleanly (tests, demo)."""

from __future__ import annotations

import threading

import waitress


class ServerThread:
    """A real waitress server in a daemon thread on a (free) loopback port."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 4):
        self.server = waitress.create_server(app, host=host, port=port, threads=threads, ident="")
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
