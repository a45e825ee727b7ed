"""Settings of retention (`[retention]` in edge.toml)."""

from __future__ import annotations

from edge.settings import Setting, parse_int

# 90 days: past the longest service target (240 office hours, about six
# weeks), a reprint, a late complaint or cancellation and the quarter's
# reconciliation with the centre, which holds the record from then on; a box
# stolen from a village office then holds at most a season of its citizens.
SETTINGS = (
    Setting("retention.days", 90,
            "Days after an intake was taken before its personal fields (national code, name, "
            "mobile, service fields) are purged from the box, once it is done or cancelled and "
            "the centre has acknowledged all of its events.", parse_int(7, 3650)),
)
