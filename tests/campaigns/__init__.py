"""Reliability campaigns: the box driven as a black box, each campaign a table of figures.

`make campaign` (python -m tests.campaigns) runs them all with the full
budget; tests/campaigns/test_campaigns.py runs each with a small one.
"""
