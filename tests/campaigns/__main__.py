"""`python -m tests.campaigns [--short] [NAME ...]`: run campaigns, print the table,
write tests/campaigns/results.json. Exits 1 when a guarantee the README claims is broken."""

from __future__ import annotations

import argparse
import sys

from tests.campaigns.report import RESULTS, table, write_results
from tests.campaigns.runner import PLANS, run_plans


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.campaigns", description=__doc__)
    known = [plan.name for plan in PLANS]
    parser.add_argument("names", nargs="*", help=f"campaigns to run: {', '.join(known)} (default: all)")
    parser.add_argument("--short", action="store_true", help="the small budgets of make test")
    arguments = parser.parse_args()
    unknown = set(arguments.names) - set(known)
    if unknown:
        parser.error(f"no campaign named {', '.join(sorted(unknown))}")
    plans = [plan for plan in PLANS if not arguments.names or plan.name in arguments.names]
    campaigns, seconds = run_plans(plans, arguments.short, lambda line: print(line, flush=True))
    write_results(campaigns, seconds)
    print(table(campaigns))
    print(f"\nwritten to {RESULTS}")
    return 1 if any(campaign.broken_guarantees() for campaign in campaigns) else 0


if __name__ == "__main__":
    sys.exit(main())
