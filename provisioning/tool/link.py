"""The tool's end of machine mode: requests out, answers in, over a line
that may drop, garble or duplicate anything.

A request that gets no answer in time is sent again with the same `seq`;
the console answers a repeated `seq` from memory, so nothing is done twice.
Lines that are not good frames, and answers to other requests, are skipped.
"""

from __future__ import annotations

import random
import time
from typing import Any

import serial

from provisioning.console import framing

# Seconds to wait for the answer before asking again; some steps take long.
SLOW_OPS = {"selftest": 60.0, "enroll": 60.0, "factory_reset": 30.0}


class LinkError(Exception):
    """The console did not answer; one line for the technician."""


class Refusal(Exception):
    """The console answered with a refusal (`code`, message in words)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class ConsoleLink:
    def __init__(self, port, timeout: float = 3.0, attempts: int = 4):
        self.port = port
        self.timeout = timeout
        self.attempts = attempts
        self.splitter = framing.LineSplitter()
        # a fresh range per run: an old run's answers can never be mistaken for ours
        self.seq = random.randrange(1, 2**31)

    @classmethod
    def open(cls, url: str, baudrate: int = 115200, **options) -> "ConsoleLink":
        try:
            port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.1, write_timeout=5)
        except (serial.SerialException, OSError, ValueError) as error:
            raise LinkError(f"cannot open {url}: {error}") from None
        return cls(port, **options)

    def close(self) -> None:
        self.port.close()

    def hello(self, lang: str) -> dict[str, Any]:
        # ^U first: whatever a person half-typed on the line is cleared, so
        # our first frame starts a line of its own
        self.port.write(b"\x15\r\n")
        return self.request("hello", {"lang": lang})

    def request(self, op: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        """The result of `op`; raises Refusal or LinkError."""
        self.seq += 1
        line = framing.encode({"seq": self.seq, "op": op, "args": args or {}})
        wait = max(self.timeout, SLOW_OPS.get(op, 0.0))
        for _ in range(self.attempts):
            self._write(line)
            answer = self._answer_to(self.seq, wait)
            if answer is not None:
                if not answer.get("ok"):
                    error = answer.get("error") or {}
                    raise Refusal(str(error.get("code", "?")), str(error.get("message", "refused")))
                return answer.get("result") or {}
        raise LinkError(f"no answer from the console to {op} after {self.attempts} tries "
                        f"(wrong port or baud rate, or the console is not running?)")

    def _write(self, line: bytes) -> None:
        try:
            self.port.write(line)
        except (serial.SerialException, OSError) as error:
            raise LinkError(f"the line failed: {error}") from None

    def _answer_to(self, seq: int, wait: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                data = self.port.read(max(1, self.port.in_waiting))
            except (serial.SerialException, OSError) as error:
                raise LinkError(f"the line failed: {error}") from None
            for line in self.splitter.feed(data):
                frame = framing.decode(line)
                if frame is not None and frame.get("re") == seq:
                    return frame
        return None
