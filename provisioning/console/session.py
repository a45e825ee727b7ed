"""One serial line's conversation: bytes in, bytes out, in human or machine mode.

The console starts in human mode. A machine's `hello` frame switches the
line to machine mode, where everything that is not a good frame (kernel
messages, log lines, noise) is skipped without an answer; `bye`, or a quiet
line for `idle_seconds`, switches back and logs out. A login also ends when
the line goes quiet or the cable is pulled.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from edge.i18n import MessageCatalogue
from provisioning.console import framing
from provisioning.console.actions import Console
from provisioning.console.human import HumanMode
from provisioning.console.lineedit import LineEditor
from provisioning.console.machine import MachineMode
from provisioning.console.texts import Texts

log = logging.getLogger(__name__)


class Session:
    def __init__(self, console: Console, write: Callable[[bytes], None], catalogue: MessageCatalogue,
                 idle_seconds: float = 300.0, now: Callable[[], float] = time.monotonic):
        self.console = console
        self.write = write
        self.default_lang = console.box.settings["language"]
        self.texts = Texts(catalogue, self.default_lang)
        self.idle_seconds = idle_seconds
        self.now = now
        self.user: str | None = None
        self.machine_mode = False
        self.editor = LineEditor(write, on_cancel=lambda: self.human.cancel())
        self.splitter = framing.LineSplitter()
        self.human = HumanMode(console, self)
        self.machine = MachineMode(console, self)
        self._last_heard = now()

    def start(self) -> None:
        self.human.greet()

    def feed(self, data: bytes) -> None:
        self._last_heard = self.now()
        while data:
            if self.machine_mode:
                for line in self.splitter.feed(data):
                    self._machine_line(line)
                return
            line, data = self.editor.take_line(data)
            if line is not None:
                self._human_line(line)

    def _human_line(self, line: str) -> None:
        frame = framing.decode(line.encode("utf-8")) if line.startswith("{") else None
        if frame is not None:
            self._answer(frame)
        elif line.startswith("{"):
            return   # a broken frame in human mode: a tool's garbled line, not a person's
        else:
            self.human.line(line)

    def _machine_line(self, line: bytes) -> None:
        frame = framing.decode(line)
        if frame is None:
            if line.strip():
                log.debug("console: skipped a line that is not a frame (%d bytes)", len(line))
            return
        self._answer(frame)

    def _answer(self, frame: dict) -> None:
        answer = self.machine.answer(frame)
        if answer:
            self.write(answer)

    def start_machine(self, lang) -> None:
        self.logout()
        self.machine_mode = True
        self.texts.lang = lang if lang in ("fa", "en") else self.default_lang

    def end_machine(self) -> None:
        self.logout()
        self.machine_mode = False

    def logout(self) -> None:
        self.user = None
        self.human.forget()

    def tick(self) -> None:
        """Called while the line is quiet: a long silence ends the login."""
        if self.now() - self._last_heard < self.idle_seconds:
            return
        if self.user is not None or self.machine_mode:
            log.info("console: quiet for %ds; logged out", self.idle_seconds)
            was_human = not self.machine_mode
            self.end_machine()
            if was_human:
                self.human.say(self.texts.gettext("Logged out after a quiet while."))
                self.human.prompt()
        self._last_heard = self.now()

    def hang_up(self) -> None:
        """The line went away (cable pulled, USB gadget unplugged)."""
        self.end_machine()
