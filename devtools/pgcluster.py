"""A throwaway PostgreSQL cluster from Debian's binaries (initdb + pg_ctl) in a
temporary folder on a free loopback port, for tests and benchmarks. As root,
PostgreSQL runs as the `postgres` user (it refuses to run as root)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from devtools.ports import free_port


def postgres_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster from Debian's binaries, in a temp folder."""

    def __init__(self, bindir: str):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="edge-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.counter = itertools.count(1)
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.user:
            command = ["runuser", "-u", self.user, "--"] + command
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if self.user:
            shutil.chown(self.folder, self.user)
        self._run(f"{self.bindir}/initdb", "-D", str(self.data), "-U", "edge", "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        self._run(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-w", "-l",
                  str(self.folder / "log"), "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=100", "start")

    def stop(self) -> None:
        try:
            self._run(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def dump(self, url: str) -> Path:
        """A backup of the database at `url` (pg_dump's custom format), in the cluster's folder."""
        path = self.folder / f"dump-{next(self.counter)}"
        self._run(f"{self.bindir}/pg_dump", "-Fc", "-f", str(path), "-d", url)
        return path

    def restore(self, url: str, dump: Path) -> None:
        """The database at `url` as it was in `dump`: dropped (its connections
        ended), made again, and refilled with pg_restore."""
        import psycopg2
        name = url.rsplit("/", 1)[-1]
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="edge",
                                      dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        self._run(f"{self.bindir}/pg_restore", "-d", url, str(dump))

    def new_database(self) -> str:
        import psycopg2
        name = f"gw_{os.getpid()}_{next(self.counter)}"
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="edge",
                                      dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        return f"postgresql://edge@127.0.0.1:{self.port}/{name}"


