"""The sync agent as a part of the box (`edge run`, `edge demo`, tests)."""

from __future__ import annotations

from dataclasses import dataclass

from sync_agent.agent import SyncAgent
from sync_agent.report import status


@dataclass(frozen=True)
class SyncPart:
    """`box.parts.sync`: the agent, its report for the portal and the API,
    and the "send now" button."""

    agent: SyncAgent

    def status(self) -> dict:
        return status(self.agent.box, self.agent)

    def wake(self) -> None:
        self.agent.wake()

    @property
    def workers(self) -> tuple[SyncAgent, ...]:
        # New records wait for the interval rather than waking the agent:
        # one contact per interval carries them all, and contacts cost bytes.
        return (self.agent,) if self.agent.settings["sync.enabled"] else ()


def build(box, client_factory=None) -> SyncPart:
    return SyncPart(SyncAgent(box, client_factory=client_factory))
