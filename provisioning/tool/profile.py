"""A provisioning profile: what one office's box should be, in TOML.

    selftest = true                    # end with the self-test (the default)

    [settings]                         # as in the box's edge.toml
    office.code = "KHR-0042"
    printer.url = "serial:///dev/ttyUSB0?baudrate=19200"

    [enroll]                           # optional
    gateway = "https://gateway.example"
    token = "ONE-TIME-TOKEN"

The profile is checked whole before the first step, so a typo stops the
tool before the box is touched.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge.settings import flatten

KNOWN = {"settings", "enroll", "selftest"}


class ProfileError(ValueError):
    """The profile cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Enrolment:
    gateway: str
    token: str


@dataclass(frozen=True)
class Profile:
    settings: dict[str, Any] = field(default_factory=dict)
    enroll: Enrolment | None = None
    selftest: bool = True


def load_profile(path: Path) -> Profile:
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(f"profile {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProfileError(f"profile {path}: not valid TOML ({error})") from None
    return parse_profile(document, str(path))


def parse_profile(document: dict[str, Any], name: str = "profile") -> Profile:
    unknown = sorted(set(document) - KNOWN)
    if unknown:
        raise ProfileError(f"{name}: unknown entries {', '.join(unknown)} (known: {', '.join(sorted(KNOWN))})")
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise ProfileError(f"{name}: [settings] must be a table")
    selftest = document.get("selftest", True)
    if not isinstance(selftest, bool):
        raise ProfileError(f"{name}: selftest must be true or false")
    return Profile(dict(flatten(settings)), _enrolment(document.get("enroll"), name), selftest)


def _enrolment(table: Any, name: str) -> Enrolment | None:
    if table is None:
        return None
    if not isinstance(table, dict) or set(table) != {"gateway", "token"} or \
            not all(isinstance(value, str) and value.strip() for value in table.values()):
        raise ProfileError(f"{name}: [enroll] needs gateway and token, both text, and nothing else")
    return Enrolment(table["gateway"].strip(), table["token"].strip())

