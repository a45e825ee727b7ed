"""Settings, declared once with a default and help text.

Precedence: defaults < `edge.toml` in the data folder < `EDGE_*` environment.
A setting named `http.port` is `[http] port = ...` in the file and
`EDGE_HTTP_PORT` in the environment. Each package may add its own settings in
a `settings.py` holding `SETTINGS`; the assembly (`appliance.assembly`) passes
the full list as `declared`, here only the core's are known.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

SETTINGS_FILE = "edge.toml"
SETTINGS_VERSION = 1


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says why."""


def _parse_number(kind: type, words: str, low, high) -> Callable[[Any], Any]:
    def parse(value: Any):
        problem = f"must be {words} from {low} to {high}"
        if isinstance(value, bool):
            raise ValueError(problem)
        try:
            number = kind(str(value).strip())
        except ValueError:
            raise ValueError(problem) from None
        if not low <= number <= high:
            raise ValueError(problem)
        return number
    return parse


def parse_int(low: int, high: int) -> Callable[[Any], int]:
    return _parse_number(int, "a whole number", low, high)


def parse_float(low: float, high: float) -> Callable[[Any], float]:
    return _parse_number(float, "a number", low, high)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def parse_str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value


def parse_choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            raise ValueError("must be one of " + ", ".join(choices))
        return value
    return parse


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = parse_str

    @property
    def env_var(self) -> str:
        return "EDGE_" + self.name.upper().replace(".", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("http.host", "127.0.0.1", "Address the portal and API listen on."),
    Setting("http.port", 8080, "TCP port of the portal and API.", parse_int(1, 65535)),
    Setting("http.threads", 8, "Worker threads of the web server.", parse_int(1, 64)),
    Setting("office.code", "DEMO-0001", "Code of this office, as the centre knows it."),
    Setting("office.name", "دفتر پیشخوان نمونه", "Name of the office printed on receipts."),
    Setting("language", "fa", "Default language of the portal and API messages.",
            parse_choice("fa", "en")),
    Setting("session.idle_minutes", 30, "Minutes of inactivity before a login expires.",
            parse_int(1, 24 * 60)),
    Setting("api.token_hours", 12, "Hours an API token stays valid.", parse_int(1, 24 * 30)),
    Setting("log.level", "INFO", "Logging level.",
            parse_choice("DEBUG", "INFO", "WARNING", "ERROR")),
)


class Settings(Mapping[str, Any]):
    """The resolved settings of one box: `settings["http.port"]`."""

    def __init__(self, values: Mapping[str, Any], home: Path | None = None):
        self._values = dict(values)
        self.home = home

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, **overrides: Any) -> "Settings":
        """A copy with some settings changed; keys use `_` for `.`."""
        values = dict(self._values)
        for key, value in overrides.items():
            values[_setting_name(key, values)] = value
        return Settings(values, self.home)


def _setting_name(key: str, values: Mapping[str, Any]) -> str:
    if key in values:
        return key
    for name in values:
        if name.replace(".", "_") == key:
            return name
    raise KeyError(key)


def load(home: Path | None, environ: Mapping[str, str] | None = None,
         declared: Iterable[Setting] | None = None) -> Settings:
    """Resolve every setting; raises SettingsError naming the first bad one."""
    environ = os.environ if environ is None else environ
    declared = SETTINGS if declared is None else tuple(declared)
    from_file = _read_file(home / SETTINGS_FILE) if home else {}
    known = {setting.name for setting in declared}
    for name in from_file:
        if name not in known:
            raise SettingsError(f"setting {name} in {SETTINGS_FILE}: unknown setting")
    values = {}
    for setting in declared:
        if setting.env_var in environ:
            raw, where = environ[setting.env_var], setting.env_var
        elif setting.name in from_file:
            raw, where = from_file[setting.name], SETTINGS_FILE
        else:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            raise SettingsError(f"setting {setting.name} (from {where}): {error}, got {raw!r}") from None
    return Settings(values, home)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {path}: not valid TOML ({error})") from None
    document = migrate_file(document)
    return dict(flatten(document))


def migrate_file(document: dict[str, Any]) -> dict[str, Any]:
    """Bring an older settings file up to SETTINGS_VERSION (boxes upgrade in place)."""
    version = document.pop("settings_version", SETTINGS_VERSION)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise SettingsError(f"settings_version {version!r} in {SETTINGS_FILE}: "
                            f"this box understands up to {SETTINGS_VERSION}")
    return document


def flatten(document: Mapping[str, Any], prefix: str = ""):
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, name + ".")
        else:
            yield name, value


def file_values(home: Path) -> dict[str, Any]:
    """The settings written in the data folder's `edge.toml`, by name."""
    return _read_file(Path(home) / SETTINGS_FILE)


def render_file(declared: Iterable[Setting] | None = None,
                values: Mapping[str, Any] | None = None) -> str:
    """A commented `edge.toml` listing every setting: those in `values` set,
    the others commented out at their default."""
    declared = SETTINGS if declared is None else declared
    values = values or {}
    lines = ["# Pishkhan Edge settings. Environment variables EDGE_* override this file.",
             f"settings_version = {SETTINGS_VERSION}", ""]
    section = None
    for setting in sorted(declared, key=lambda s: s.name.rpartition(".")[0]):
        group, _, key = setting.name.rpartition(".")
        if group != section:
            section = group
            if group:
                lines += ["", f"[{group}]"]
        lines.append(f"# {setting.help}")
        if setting.name in values:
            lines.append(f"{key} = {_toml_value(values[setting.name])}")
        else:
            lines.append(f"# {key} = {_toml_value(setting.default)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    # a JSON string is a valid TOML basic string: quotes, backslashes and newlines escaped
    return json.dumps(str(value), ensure_ascii=False)
