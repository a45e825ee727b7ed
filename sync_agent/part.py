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
        return (self.agent,) if self.agent.settings["sync.enabled"] else ()

    @property
    def intake_hooks(self) -> tuple:
        # A new intake asks for a sync after the coalescing delay, so it is at
        # the gateway within seconds and a burst of intakes shares one exchange.
        return (self.agent.soon,) if self.agent.settings["sync.enabled"] else ()


def build(box, client_factory=None) -> SyncPart:
    return SyncPart(SyncAgent(box, client_factory=client_factory))
