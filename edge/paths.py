"""Where the box keeps its data folder."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

SERVICE_USER = "pishkhan"
SERVICE_HOME = Path("/var/lib/pishkhan-edge")


def data_home(explicit: str | os.PathLike | None = None, env_var: str = "EDGE_HOME",
              service_home: Path = SERVICE_HOME, user_dir: str = "pishkhan-edge") -> Path:
    """`--home`, else `$EDGE_HOME`, else the service folder when run as the
    service user, else `~/.local/share/pishkhan-edge`."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    if os.environ.get(env_var):
        return Path(os.environ[env_var]).expanduser().resolve()
    if _running_as_service_user():
        return service_home
    return Path.home() / ".local" / "share" / user_dir


def _running_as_service_user() -> bool:
    try:
        return pwd.getpwuid(os.getuid()).pw_name == SERVICE_USER
    except KeyError:
        return False
