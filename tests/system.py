"""Tests that need a system package (PostgreSQL, pcscd, Chromium, ...).

`require(ok, what)` skips loudly when `ok` is false, unless
EDGE_REQUIRE_SYSTEM=1 (set by .ci/run), where a missing part fails the test.
"""

from __future__ import annotations

import os
import shutil

import pytest


def required() -> bool:
    return os.environ.get("EDGE_REQUIRE_SYSTEM") == "1"


def require(ok: bool, what: str) -> None:
    if ok:
        return
    message = f"MISSING SYSTEM PART: {what} (install with: sudo bash .ci/setup-system.sh)"
    if required():
        pytest.fail(message + " [EDGE_REQUIRE_SYSTEM=1]")
    pytest.skip(message)


def require_binary(name: str, package: str) -> str:
    """The path of `name`, or a loud skip/failure naming the Debian package."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None)
    require(path is not None, f"{name} (Debian package {package})")
    return path
