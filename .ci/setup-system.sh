#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (PostgreSQL, pcscd and
# vsmartcard, Chromium, CUPS-PDF, ...). Each area keeps its own list in
# .ci/system/NAME.sh; every script there is run in name order. Needs root.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" -ne 0 ]; then
    echo "setup-system: must run as root to install packages" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
for part in system/*.sh; do
    [ -e "$part" ] || continue
    echo "setup-system: $part"
    bash "$part"
done
