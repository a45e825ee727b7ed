#!/usr/bin/env bash
# The clock campaign (tests/campaigns/clock.py) runs `edge run` under
# libfaketime's `faketime` to start the box with its clock a year behind, in
# 1970 and ten years ahead.
set -euo pipefail
apt-get install -y -q faketime
