"""Settings of the daily performance event (`[reports]` in edge.toml)."""

from __future__ import annotations

from edge.settings import Setting
from edge.sla.settings import parse_clock_setting

SETTINGS = (
    Setting("reports.daily_event_at", "20:00",
            "Time of day (Iran time) after which the day's performance figures are queued for "
            "the centre, once a day; a day the box was off is sent at the next start.",
            parse_clock_setting),
)
