"""The box's side of sync: sealed outbox, batching, transport with backoff,
acks and compaction, downlink bundles. The wire format shared with the
gateway is the `wire` package.

For the portal: `sync_agent.status(box) -> dict` (see sync_agent.report).
"""


def status(box) -> dict:
    from sync_agent.report import status as _status
    return _status(box)
