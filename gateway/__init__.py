"""The central gateway: enrolment, batch ingest, signed bundles, the feed."""
