"""Human mode: a menu for a technician at minicom, screen or PuTTY.

Commands are words typed at the prompt; anything destructive asks for a
typed confirmation (the box's tag for a factory reset, the word `reboot`
for a reboot), and a wrong answer does nothing. The same `Console`
actions serve machine mode; this module only puts them in words.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from edge.errors import EdgeError
from edge.i18n import N_
from edge.jalali import format_datetime
from provisioning.console.actions import Console, Refused

log = logging.getLogger(__name__)

MENU = (
    ("login", N_("log in as a technician")),
    ("id", N_("identify the box: device, keys, version, devices")),
    ("show", N_("show the settings")),
    ("set NAME VALUE", N_("stage a setting (nothing is written yet)")),
    ("staged", N_("show what is staged")),
    ("commit", N_("write the staged settings, all at once")),
    ("discard", N_("forget the staged settings")),
    ("clock 2026-12-04T10:30:00+03:30", N_("set the clock")),
    ("enroll GATEWAY-URL TOKEN", N_("enrol the box with the centre")),
    ("selftest", N_("print a test receipt, check modem, card reader and panel")),
    ("logs [N]", N_("the last N events")),
    ("reset", N_("factory reset: wipe keys, settings and data")),
    ("reboot", N_("restart the box")),
    ("lang fa|en", N_("Persian, or English in plain ASCII")),
    ("logout", N_("log out")),
)


class HumanMode:
    def __init__(self, console: Console, session):
        self.console = console
        self.session = session
        self.staged: dict[str, Any] = {}
        self._pending: Callable[[str], None] | None = None
        self.commands: dict[str, Callable[[list[str]], None]] = {
            "help": self._help, "?": self._help, "menu": self._help, "login": self._login,
            "lang": self._lang, "logout": self._logout, "exit": self._logout,
        }
        self.guarded: dict[str, Callable[[list[str]], None]] = {
            "id": self._identify, "show": self._show, "set": self._set, "staged": self._staged,
            "commit": self._commit, "discard": self._discard, "clock": self._clock,
            "enroll": self._enroll, "selftest": self._selftest, "logs": self._logs,
            "reset": self._reset, "reboot": self._reboot,
        }

    # --- the conversation ---------------------------------------------------------

    def greet(self) -> None:
        self.say_raw("Pishkhan Edge console - type 'lang en' for English in plain ASCII, 'help' for the menu")
        self.say(self.gettext("Pishkhan Edge console, box %(tag)s. Type help for the menu.",
                        tag=self.console.box.keys.tag))
        self.prompt()

    def line(self, text: str) -> None:
        pending, self._pending = self._pending, None
        self.session.editor.secret = False
        try:
            if pending is not None:
                pending(text)
            else:
                self._command(text.split())
        except Refused as refusal:
            self.say(self.gettext(refusal.text, **refusal.params))
        except EdgeError as error:
            self.say(error.message(self.session.texts.lang))
        except Exception:   # a fault of ours: said on the line, the console lives on
            log.exception("console: %r failed", text[:40])
            self.say(self.gettext("An internal error happened; see the box's log."))
        if self._pending is None:
            self.prompt()

    def _command(self, words: list[str]) -> None:
        if not words:
            return
        name, args = words[0].lower(), words[1:]
        if name in self.commands:
            self.commands[name](args)
        elif name in self.guarded:
            if self.session.user is None:
                self.say(self.gettext("Log in first: type login."))
            else:
                self.guarded[name](args)
        else:
            self.say(self.gettext("Unknown command %(name)s; type help.", name=name))

    def forget(self) -> None:
        """Drop what the last user staged or was asked (at logout)."""
        self.staged = {}
        self._drop_question()

    def cancel(self) -> None:
        """^C: the question being asked is dropped, and the prompt is back."""
        if self._pending is not None:
            self._drop_question()
            self.prompt()

    def _drop_question(self) -> None:
        self._pending = None
        self.session.editor.secret = False

    def ask(self, question: str, then: Callable[[str], None], secret: bool = False) -> None:
        self._pending = then
        self.session.editor.secret = secret
        self.session.write(self.session.texts.for_terminal(question + " "))

    def prompt(self) -> None:
        who = self.session.user or "-"
        self.session.write(self.session.texts.for_terminal(f"{who}@{self.console.box.keys.tag}> "))

    def gettext(self, msgid: str, **params: Any) -> str:
        return self.session.texts.gettext(msgid, **params)

    def _when(self, iso: str) -> str:
        """A moment as people here read it: the Jalali date and Iran's time."""
        return format_datetime(datetime.fromisoformat(iso), self.session.texts.lang)

    def say(self, text: str) -> None:
        self.session.write(self.session.texts.for_terminal(text.replace("\n", "\r\n") + "\r\n"))

    def say_raw(self, text: str) -> None:
        self.session.write(text.encode("ascii") + b"\r\n")

    # --- open to all -------------------------------------------------------------------

    def _help(self, args: list[str]) -> None:
        for command, meaning in MENU:
            self.say(f"  {command:<36} {self.gettext(meaning)}")

    def _lang(self, args: list[str]) -> None:
        if args and args[0] in ("fa", "en"):
            self.session.texts.lang = args[0]
        self.say(self.gettext("Language: English") if self.session.texts.lang == "en"
                 else self.gettext("Language: Persian"))

    def _login(self, args: list[str]) -> None:
        def got_user(username: str) -> None:
            self.ask(self.gettext("Password:"), lambda password: self._log_in(username, password), secret=True)
        self.ask(self.gettext("User:"), got_user)

    def _log_in(self, username: str, password: str) -> None:
        user = self.console.login(username, password)
        self.session.user = user.username
        self.say(self.gettext("Logged in as %(user)s.", user=user.username))

    def _logout(self, args: list[str]) -> None:
        self.session.logout()
        self.say(self.gettext("Logged out."))

    # --- for a technician ---------------------------------------------------------------

    def _identify(self, args: list[str]) -> None:
        found = self.console.identify(self.session.user)
        found["clock"] = self._when(found["clock"])
        for key in ("device_id", "tag", "version", "signing_key", "exchange_key", "enrolled",
                    "gateway", "office", "clock", "unsent_records"):
            self.say(f"  {key:<15} {found[key]}")
        for name, device in found["devices"].items():
            words = self.session.texts.words(device["words"]) or device["state"]
            self.say(f"  {name:<15} {words}")

    def _show(self, args: list[str]) -> None:
        for setting in self.console.show_settings():
            mark = "*" if setting["in_file"] else " "
            self.say(f" {mark}{setting['name']:<28} {setting['value']}")

    def _set(self, args: list[str]) -> None:
        if len(args) < 2:
            self.say(self.gettext("Usage: set NAME VALUE"))
            return
        name, value = args[0], " ".join(args[1:])
        self.staged[name] = self.console.check_setting(name, value)
        self.say(self.gettext("Staged %(name)s = %(value)s; type commit to write.", name=name, value=value))

    def _staged(self, args: list[str]) -> None:
        if not self.staged:
            self.say(self.gettext("Nothing is staged."))
        for name, value in self.staged.items():
            self.say(f"  {name} = {value}")

    def _commit(self, args: list[str]) -> None:
        if not self.staged:
            self.say(self.gettext("Nothing is staged."))
            return
        result = self.console.commit_settings(self.session.user, self.staged)
        self.staged = {}
        self.say(self.gettext("Written: %(names)s. Restart the service to use them.",
                        names=", ".join(result["changed"]) or "-"))

    def _discard(self, args: list[str]) -> None:
        self.staged = {}
        self.say(self.gettext("Staged settings forgotten."))

    def _clock(self, args: list[str]) -> None:
        result = self.console.set_clock(self.session.user, args[0] if args else "")
        self.say(self.gettext("Clock set to %(at)s.", at=self._when(result["clock"])))

    def _enroll(self, args: list[str]) -> None:
        if len(args) != 2:
            self.say(self.gettext("Usage: enroll GATEWAY-URL TOKEN"))
            return
        result = self.console.enroll(self.session.user, args[0], args[1])
        self.say(self.gettext("Enrolled with %(gateway)s for office %(office)s.", gateway=result["gateway"],
                        office=result["office"]))

    def _selftest(self, args: list[str]) -> None:
        self.say(self.gettext("Testing; this takes a few seconds..."))
        report = self.console.selftest(self.session.user)
        for check in report["checks"]:
            verdict = self.gettext("ok") if check["ok"] else self.gettext("FAILED")
            self.say(f"  {check['name']:<8} {verdict:<8} {check['detail']}")
        self.say(self.gettext("All devices passed.") if report["ok"] else self.gettext("Some devices failed."))

    def _logs(self, args: list[str]) -> None:
        count = int(args[0]) if args and args[0].isascii() and args[0].isdigit() else 20
        found = self.console.recent_logs(self.session.user, count)
        for event in found["events"]:
            self.say(f"  {self._when(event['at'])}  {event['actor']:<12} {event['action']}  "
                     f"{event['subject']}")
        for line in found["journal"]:
            self.say(f"  {line}")

    def _reset(self, args: list[str]) -> None:
        tag = self.console.box.keys.tag
        unsent = self.console.unsent_records()
        if unsent and args != ["force"]:
            self.say(self.gettext("%(count)s records wait to be sent to the centre; sync first, "
                            "or type: reset force", count=unsent))
            return

        def confirmed(answer: str) -> None:
            if answer.strip().upper() != tag:
                self.say(self.gettext("Not confirmed; nothing was changed."))
                return
            if unsent:
                self.ask(self.gettext("%(count)s records will be lost. Type that number to go on:",
                                count=unsent), lambda typed: self._wipe(answer, typed, unsent))
                return
            self._wipe(answer, "0", 0)
        self.say(self.gettext("This wipes the keys, the settings and every record on this box."))
        self.ask(self.gettext("Type the box's tag (%(tag)s) to confirm:", tag=tag), confirmed)

    def _wipe(self, tag: str, typed: str, unsent: int) -> None:
        from edge.digits import to_ascii_digits
        typed = to_ascii_digits(typed.strip())
        if typed != str(unsent):
            self.say(self.gettext("Not confirmed; nothing was changed."))
            return
        self.console.factory_reset(self.session.user, tag, unsent)
        self.session.logout()
        self.say(self.gettext("Reset done. This is now box %(tag)s; it restarts now.",
                        tag=self.console.box.keys.tag))

    def _reboot(self, args: list[str]) -> None:
        def confirmed(answer: str) -> None:
            if answer.strip().lower() != "reboot":
                self.say(self.gettext("Not confirmed; nothing was changed."))
                return
            self.console.reboot(self.session.user)
            self.say(self.gettext("Rebooting."))
        self.ask(self.gettext("Type reboot to confirm:"), confirmed)
