"""What the console can do to the box, whichever mode asked.

Each action is a plain method returning a JSON-ready dict; human mode puts
it in words, machine mode sends it as it is. Every action taken by a
logged-in technician is an audited event that also goes to the centre
(`EVENT_TYPE` in the outbox), like any other change on the box.
"""

from __future__ import annotations

import hashlib
import logging
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from edge import settings as settings_module
from edge.settings import Setting
from edge.atomic import write_atomically
from edge.i18n import N_
from edge.models import User
from edge.roles import TECHNICIAN
from edge.users import authenticate
from provisioning.console.selftest import run_selftest
from provisioning.console.throttle import LoginDelay

log = logging.getLogger(__name__)

EVENT_TYPE = "console.action"
# Settings that hold a shell command are kept off the console: setting one
# would let a console login run anything as the service user.
UNSETTABLE_SUFFIX = "_command"
# Before this, a clock is surely a modem's or a flat battery's invention.
EARLIEST_PLAUSIBLE = datetime(2024, 1, 1, tzinfo=timezone.utc)


class Refused(Exception):
    """An action refused; `text` is the English message (a catalogue msgid)
    with `params`, so each mode can say it in the reader's language."""

    def __init__(self, code: str, text: str, **params: Any):
        super().__init__(text % params if params else text)
        self.code, self.text, self.params = code, text, params


@dataclass
class Hooks:
    """What reaches outside the box's data folder: given, so tests run none."""
    reboot: Callable[[], None]
    set_system_clock: Callable[[datetime], None]
    journal: Callable[[int], list[str]]


def command_hooks(reboot_command: str, clock_command: str, journal_command: str) -> Hooks:
    """Hooks that run commands; `{iso}` / `{epoch}` / `{lines}` are filled in."""
    def run(template: str, **values: Any) -> str:
        argv = [part.format(**values) for part in shlex.split(template)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise Refused("hook.failed", N_("%(command)s failed: %(reason)s"), command=argv[0],
                          reason=str(error)) from None
        if done.returncode != 0:
            raise Refused("hook.failed", N_("%(command)s failed: %(reason)s"), command=argv[0],
                          reason=(done.stderr or done.stdout).strip()[:200] or done.returncode)
        return done.stdout

    def journal(lines: int) -> list[str]:
        if not journal_command or shutil.which(shlex.split(journal_command)[0]) is None:
            return []
        return run(journal_command, lines=lines).splitlines()[-lines:]

    def reboot() -> None:
        run(reboot_command)

    def set_system_clock(at: datetime) -> None:
        run(clock_command, iso=at.isoformat(), epoch=int(at.timestamp()))

    return Hooks(reboot=reboot, set_system_clock=set_system_clock, journal=journal)


def fingerprint(public: bytes) -> str:
    """SHA-256 of a public key, in groups a person can read aloud."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return ":".join(digest[i:i + 4] for i in range(0, 32, 4))


def software_version() -> str:
    try:
        return metadata.version("pishkhan-edge")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Boxes:
    """What the console needs from whoever assembles boxes (the `edge`
    command): the box of the data folder, a brand new one after a factory
    reset, and the settings a box declares. The console builds none itself."""
    open: Callable[[], Any]
    make_new: Callable[[], Any]
    declared: tuple[Setting, ...]   # every component's settings


@dataclass
class Console:
    """The console's service over one box's data folder; the box is replaced
    by a new one after a factory reset."""

    boxes: Boxes
    hooks: Hooks
    delay: LoginDelay
    box: Any = field(init=False)

    def __post_init__(self):
        self.box = self.boxes.open()

    @property
    def home(self) -> Path:
        return self.box.home

    def close(self) -> None:
        self.box.close()

    # --- who ------------------------------------------------------------------

    def login(self, username: str, password: str) -> User:
        wait = self.delay.wait_seconds()
        if wait:
            raise Refused("auth.throttled", N_("Too many failed attempts; wait %(seconds)s seconds."),
                          seconds=wait)
        user = authenticate(self.box.store, username.strip(), password)
        if user is None or user.role != TECHNICIAN:
            self.delay.failed()
            self._audit(username.strip()[:32] or "?", "login_failed", {})
            raise Refused("auth.bad_credentials", N_("Wrong username or password, or not a technician."))
        self.delay.succeeded()
        self._audit(user.username, "login", {})
        return user

    def _audit(self, actor: str, action: str, details: dict, subject: str = "") -> None:
        with self.box.store.write():
            self.box.events.record(actor, f"console.{action}", subject or self.box.keys.device_id,
                                   details, event_type=EVENT_TYPE,
                                   payload={"action": action, "actor": actor, **details})

    # --- identify -------------------------------------------------------------

    def identify(self, actor: str) -> dict[str, Any]:
        from sync_agent import state
        from hardware.status import device_statuses
        box = self.box
        enrolment = state.enrolment(box.store)
        devices = {name: {"state": part.get("state"), "ok": part.get("ok"),
                          "words": part.get("words", {})}
                   for name, part in device_statuses(box).items()}
        self._audit(actor, "identify", {})
        return {"device_id": box.keys.device_id, "tag": box.keys.tag, "version": software_version(),
                "signing_key": fingerprint(box.keys.signing_public),
                "exchange_key": fingerprint(box.keys.exchange_public),
                "enrolled": enrolment is not None,
                "gateway": enrolment.gateway_url if enrolment else None,
                "office": enrolment.office if enrolment else box.settings["office.code"],
                "clock": box.clock.now().isoformat(timespec="seconds"),
                "unsent_records": self.unsent_records(), "devices": devices}

    # --- settings ---------------------------------------------------------------

    def show_settings(self) -> list[dict[str, Any]]:
        written = settings_module.file_values(self.home)
        current = settings_module.load(self.home, environ={}, declared=self.boxes.declared)
        return [{"name": s.name, "value": current[s.name], "default": s.default, "help": s.help,
                 "in_file": s.name in written, "settable": _settable(s.name)}
                for s in self.boxes.declared]

    def check_setting(self, name: str, value: Any) -> Any:
        """The value as the box will keep it; Refused naming what is wrong."""
        declared = {s.name: s for s in self.boxes.declared}
        if name not in declared:
            raise Refused("setting.unknown", N_("There is no setting %(name)s."), name=name)
        if not _settable(name):
            raise Refused("setting.not_here", N_("%(name)s cannot be set from the console."), name=name)
        try:
            return declared[name].parse(value)
        except ValueError as error:
            raise Refused("setting.invalid", N_("%(name)s %(problem)s, got %(value)s."),
                          name=name, problem=str(error), value=repr(value)) from None

    def commit_settings(self, actor: str, staged: dict[str, Any]) -> dict[str, Any]:
        """Write the staged values to edge.toml in one atomic replace.
        Returns {"changed": [names]}; unchanged values write nothing."""
        parsed = {name: self.check_setting(name, value) for name, value in staged.items()}
        written = settings_module.file_values(self.home)
        changed = sorted(name for name, value in parsed.items() if written.get(name) != value)
        if not changed:
            return {"changed": []}
        text = settings_module.render_file(self.boxes.declared, values={**written, **parsed})
        try:
            write_atomically(self.home / settings_module.SETTINGS_FILE, text.encode("utf-8"))
        except OSError as error:   # a full or read-only SD card: the old file stands
            raise Refused("setting.not_written", N_("The settings were not written (%(reason)s); "
                          "nothing changed."), reason=error.strerror or str(error)) from None
        self.box.settings = settings_module.load(self.home, declared=self.boxes.declared)
        self._audit(actor, "settings_committed", {"changed": changed})
        return {"changed": changed}

    # --- clock ------------------------------------------------------------------

    def set_clock(self, actor: str, moment: str) -> dict[str, Any]:
        try:
            at = datetime.fromisoformat(moment.strip())
        except (AttributeError, ValueError):
            raise Refused("clock.format", N_("Give the time as 2026-12-04T10:30:00+03:30.")) from None
        if at.tzinfo is None:
            raise Refused("clock.zone", N_("Give the time with its zone, e.g. +03:30."))
        if at < EARLIEST_PLAUSIBLE:
            raise Refused("clock.implausible", N_("%(at)s is before %(earliest)s; not taken."),
                          at=at.isoformat(), earliest=EARLIEST_PLAUSIBLE.date().isoformat())
        self.hooks.set_system_clock(at)
        self._audit(actor, "clock_set", {"to": at.isoformat()})
        return {"clock": at.astimezone(timezone.utc).isoformat(timespec="seconds")}

    # --- enrolment ----------------------------------------------------------------

    def enroll(self, actor: str, gateway_url: str, token: str) -> dict[str, Any]:
        from sync_agent import state
        from sync_agent.client import SyncError
        from sync_agent.enroll import EnrollError, enroll
        existing = state.enrolment(self.box.store)
        if existing is not None and existing.gateway_url == gateway_url.rstrip("/"):
            return {"enrolled": True, "changed": False, "gateway": existing.gateway_url,
                    "office": existing.office}
        try:
            row = enroll(self.box, gateway_url, token)
        except (EnrollError, SyncError) as error:
            self._audit(actor, "enroll_failed", {"gateway": gateway_url, "reason": str(error)})
            raise Refused("enroll.failed", N_("Enrolment failed: %(reason)s"), reason=str(error)) from None
        self._audit(actor, "enrolled", {"gateway": row.gateway_url, "office": row.office})
        return {"enrolled": True, "changed": True, "gateway": row.gateway_url, "office": row.office,
                "tag": row.tag}

    # --- self-test, logs --------------------------------------------------------

    def selftest(self, actor: str) -> dict[str, Any]:
        report = run_selftest(self.box)
        self._audit(actor, "selftest", {"ok": report["ok"],
                                        "failed": [c["name"] for c in report["checks"] if not c["ok"]]})
        return report

    def recent_logs(self, actor: str, lines: int = 20) -> dict[str, Any]:
        lines = max(1, min(int(lines), 200))
        audit = self.box.store.models.AuditEntry
        entries = audit.select().order_by(audit.id.desc()).limit(lines)
        events = [{"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "action": e.action,
                   "subject": e.subject} for e in reversed(list(entries))]
        journal = self.hooks.journal(lines)
        self._audit(actor, "logs_read", {})
        return {"events": events, "journal": journal}

    # --- the end of a box's life here -------------------------------------------------

    def unsent_records(self) -> int:
        """Records the centre has not acknowledged, leaving out the console's
        own (a login must not stand in the way of the reset it precedes)."""
        acked = self.box.outbox.acked_seq()
        records = self.box.store.models.OutboxRecord
        return records.select().where((records.seq > acked) & (records.event_type != EVENT_TYPE)).count()

    def factory_reset(self, actor: str, confirm: str, lose_unsent: int = 0) -> dict[str, Any]:
        """Wipe keys, settings and data, and start again as a new box.
        `confirm` must be this box's tag; with records unsent, `lose_unsent`
        must name how many will be lost (the second, deliberate force)."""
        old = self.box.keys
        if confirm.strip().upper() != old.tag:
            raise Refused("reset.confirm", N_("Type this box's tag (%(tag)s) to confirm."), tag=old.tag)
        unsent = self.unsent_records()
        if unsent and lose_unsent != unsent:
            raise Refused("reset.unsent", N_("%(count)s records wait to be sent to the centre; "
                          "sync first, or force the reset twice."), count=unsent)
        home = self.home
        self.box.close()
        for entry in home.iterdir():   # the data folder is the box's alone
            _remove(entry)
        self.box = box = self.boxes.make_new()
        self._audit(actor, "factory_reset", {"previous_device": old.device_id, "lost_records": unsent})
        # the appliance still holds the old keys and the deleted database open:
        # only a restart of everything makes the new box the one that runs
        self.hooks.reboot()
        return {"device_id": box.keys.device_id, "previous_device_id": old.device_id,
                "lost_records": unsent, "rebooting": True}

    def reboot(self, actor: str) -> dict[str, Any]:
        self._audit(actor, "reboot", {})
        self.hooks.reboot()
        return {"rebooting": True}


def _settable(name: str) -> bool:
    return not name.endswith(UNSETTABLE_SUFFIX)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
