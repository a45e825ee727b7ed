"""Machine mode: the answers `edge-provision` gets, one frame per request.

A request is `{"seq": N, "op": NAME, "args": {...}}`; its answer is
`{"seq": M, "re": N, "ok": true, "result": {...}}` or `{..., "ok": false,
"error": {"code", "message"}}`. The answers to recent requests are kept by
their `seq`: a request seen again (its answer was lost on the line) gets
the same answer again and is not done a second time. `hello` starts a
conversation afresh: it forgets those answers and any login.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Callable

from edge.errors import EdgeError
from provisioning.console import framing
from provisioning.console.actions import Console, Refused

log = logging.getLogger(__name__)

REMEMBERED_ANSWERS = 64
OPEN_OPS = ("hello", "login", "bye")


class MachineMode:
    def __init__(self, console: Console, session):
        self.console = console
        self.session = session
        self._answers: OrderedDict[int, bytes] = OrderedDict()
        self._next_seq = 0
        self.ops: dict[str, Callable[[dict], Any]] = {
            "hello": self._hello, "login": self._login, "bye": self._bye,
            "identify": lambda args: console.identify(self._actor()),
            "settings_show": lambda args: {"settings": console.show_settings()},
            "settings_set": self._settings_set,
            "clock_set": lambda args: console.set_clock(self._actor(), _text(args, "at")),
            "enroll": lambda args: console.enroll(self._actor(), _text(args, "gateway"),
                                                  _text(args, "token")),
            "selftest": lambda args: console.selftest(self._actor()),
            "logs": lambda args: console.recent_logs(self._actor(), _number(args, "lines", 20)),
            "factory_reset": lambda args: console.factory_reset(
                self._actor(), _text(args, "confirm"), _number(args, "lose_unsent", 0)),
            "reboot": lambda args: console.reboot(self._actor()),
        }

    def answer(self, request: dict[str, Any]) -> bytes:
        """The framed answer to one decoded request."""
        seq = request["seq"]
        if "re" in request:    # an answer (ours echoed back, or another console): not for us
            return b""
        if request.get("op") != "hello" and seq in self._answers:
            log.info("console: request %d asked again; answering as before", seq)
            return self._answers[seq]
        body = self._run(request)
        self._next_seq += 1
        line = framing.encode({"seq": self._next_seq, "re": seq, **body})
        self._answers[seq] = line
        while len(self._answers) > REMEMBERED_ANSWERS:
            self._answers.popitem(last=False)
        return line

    def _run(self, request: dict[str, Any]) -> dict[str, Any]:
        op, args = request.get("op"), request.get("args", {})
        texts = self.session.texts
        if op not in self.ops or not isinstance(args, dict):
            return _error("request.unknown", texts.gettext("Unknown request %(op)s.", op=str(op)))
        if op not in OPEN_OPS and self.session.user is None:
            return _error("auth.required", texts.gettext("Log in first."))
        try:
            return {"ok": True, "result": self.ops[op](args)}
        except Refused as refusal:
            return _error(refusal.code, texts.gettext(refusal.text, **refusal.params))
        except EdgeError as error:
            return _error(error.code, error.message(texts.lang))
        except BadArgument as bad:
            return _error("request.bad_argument", texts.gettext("The request lacks %(name)s.", name=bad.name))
        except Exception:   # a fault of ours: said on the line, the console lives on
            log.exception("console: %s failed", op)
            return _error("internal", texts.gettext("An internal error happened; see the box's log."))

    def _hello(self, args: dict) -> dict[str, Any]:
        self._answers.clear()
        self.session.start_machine(args.get("lang"))
        return {"device_id": self.console.box.keys.device_id, "tag": self.console.box.keys.tag,
                "protocol": 1}

    def _login(self, args: dict) -> dict[str, Any]:
        user = self.console.login(_text(args, "user"), _text(args, "password"))
        self.session.user = user.username
        return {"user": user.username}

    def _bye(self, args: dict) -> dict[str, Any]:
        self.session.end_machine()
        return {}

    def _settings_set(self, args: dict) -> dict[str, Any]:
        values = args.get("values")
        if not isinstance(values, dict):
            raise BadArgument("values")
        return self.console.commit_settings(self._actor(), values)

    def _actor(self) -> str:
        return self.session.user


class BadArgument(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _text(args: dict, name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str):
        raise BadArgument(name)
    return value


def _number(args: dict, name: str, default: int) -> int:
    value = args.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadArgument(name)
    return value


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}
