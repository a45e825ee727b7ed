"""Settings of the citizen's voice (`[ratings]` in edge.toml, EDGE_RATINGS_* in the environment)."""

from edge.settings import Setting, parse_int

SETTINGS = (
    Setting("ratings.sms_window_days", 7,
            "Days after the done SMS during which a one-digit reply (1 to 5) counts as the "
            "rating of that request; a later reply is kept as late.", parse_int(1, 365)),
)
