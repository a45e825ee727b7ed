"""Plugging the sync agent into the box (`edge run`, `edge demo`, tests)."""

from __future__ import annotations

from sync_agent.agent import SyncAgent
from sync_agent.enroll import install_sealer
from sync_agent.report import status


def attach(box, client_factory=None) -> SyncAgent:
    """Install the HPKE sealer when enrolled and add the agent to the workers.
    The agent is also `box.sync_agent`, for the portal's "sync now" button."""
    install_sealer(box)
    agent = SyncAgent(box, client_factory=client_factory)
    box.sync_agent = agent
    box.sync_status = lambda: status(box)      # GET /api/v1/sync and the /sync page
    if box.settings["sync.enabled"]:
        # New records wait for the interval rather than waking the agent:
        # one contact per interval carries them all, and contacts cost bytes.
        box.workers.append(agent)
    return agent
