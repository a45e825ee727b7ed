"""Settings of the sync agent (`[sync]` in edge.toml, EDGE_SYNC_* in the environment)."""

from __future__ import annotations

from edge.settings import Setting, parse_bool, parse_float, parse_int

SETTINGS = (
    Setting("sync.enabled", True, "Forward the outbox to the gateway and fetch bundles.",
            parse_bool),
    Setting("sync.interval_seconds", 30,
            "Seconds between looks at the outbox while the link works (a record written by "
            "another process waits at most this long; a look with nothing to send costs no "
            "bytes).", parse_int(1, 24 * 3600)),
    Setting("sync.coalesce_seconds", 20.0,
            "Seconds a new intake waits for others to share its exchange with the gateway.",
            parse_float(0.5, 3600)),
    Setting("sync.probe_seconds", 15.0,
            "Seconds between cheap probes of a lost link; the queue drains once one is answered.",
            parse_float(0.1, 3600)),
    Setting("sync.bundle_check_seconds", 3600,
            "Seconds between checks for a new bundle when no batch told of one.",
            parse_int(10, 7 * 24 * 3600)),
    Setting("sync.batch_min", 16, "Records in the first batch after a failure.",
            parse_int(1, 10_000)),
    Setting("sync.batch_max", 500, "Most records in one batch on a good link.",
            parse_int(1, 10_000)),
    Setting("sync.timeout_seconds", 30.0, "Seconds to wait for the gateway's answer.",
            parse_float(1, 600)),
    Setting("sync.backoff_min_seconds", 5.0, "First wait after a failed sync.",
            parse_float(0.01, 3600)),
    Setting("sync.backoff_max_seconds", 900.0, "Longest wait between failed syncs.",
            parse_float(0.01, 24 * 3600)),
    Setting("sync.keep_days", 30,
            "Days an acknowledged record is kept while the central system has not pulled it, so "
            "the gateway can be given it again if its database is restored from a backup.",
            parse_int(0, 3650)),
    Setting("sync.keep_megabytes", 64,
            "Most megabytes of acknowledged records kept for that; the oldest go first.",
            parse_int(0, 100_000)),
    Setting("sync.demo_gateway_port", 8800, "Port of the local gateway that `edge demo` starts "
            "(0: any free port).", parse_int(0, 65535)),
)
