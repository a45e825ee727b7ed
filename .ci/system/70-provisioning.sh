#!/usr/bin/env bash
# The systemd units are checked with `systemd-analyze verify`
# (tests/provisioning/test_units.py).
set -euo pipefail
apt-get install -y -q systemd
