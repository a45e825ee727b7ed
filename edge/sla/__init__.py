"""Service levels (law articles 5 and 8): each service's targets from the
bundle, counted in office hours of the business calendar, paused while an
intake waits on the citizen or the agency, computed from the status history
whenever asked (so a changed calendar recomputes every due time)."""
