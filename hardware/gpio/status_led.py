"""What the status LED shows: the box's state as a blink pattern (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from edge.i18n import N_

STATES = ("online", "backlog", "offline", "fault")


@dataclass(frozen=True)
class LedPattern:
    on_seconds: float
    off_seconds: float     # 0: steadily on

    @property
    def steady(self) -> bool:
        return self.off_seconds == 0


PATTERNS = {
    "online": LedPattern(1.0, 0.0),     # steady: all is well
    "backlog": LedPattern(1.0, 1.0),    # slow blink: online, but records are waiting
    "offline": LedPattern(0.15, 1.85),  # a short blip every 2 s: working offline
    "fault": LedPattern(0.1, 0.1),      # fast blink: a device needs a person
}

WORDS = {
    "online": N_("online, everything sent"),
    "backlog": N_("online, records waiting to be sent"),
    "offline": N_("offline: working without the centre"),
    "fault": N_("a device needs attention"),
}

BACKLOG_RECORDS = 20
BACKLOG_AGE_SECONDS = 15 * 60


def pattern_for(state: str) -> LedPattern:
    return PATTERNS[state]


def light_state(sync: dict | None, devices: list[dict]) -> str:
    """fault > offline > backlog > online.

    `sync` is the sync agent's status (None when there is none); `devices`
    the status dicts of the modem, card reader and printer."""
    if any(_faulty(device) for device in devices):
        return "fault"
    if sync is None:
        return "online"
    if sync.get("state") == "disabled":
        return "online"
    if not sync.get("enrolled", True) or (sync.get("consecutive_failures") or 0) > 0:
        return "offline"
    depth = sync.get("queue_depth") or 0
    age = sync.get("oldest_unsent_age_seconds") or 0
    if depth >= BACKLOG_RECORDS or (depth and age >= BACKLOG_AGE_SECONDS):
        return "backlog"
    return "online"


def _faulty(device: dict) -> bool:
    return device.get("ok") is False and device.get("state") not in ("disabled", "unknown", "stopped")
