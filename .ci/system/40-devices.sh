#!/usr/bin/env bash
# Modem, card reader and GPIO tests. The modem and serial card reader tests
# need only pty pairs. The PC/SC tests need pcscd, vsmartcard's virtual
# reader (vpcd) and virtual card; they start pcscd themselves when none runs
# (tests/card/conftest.py). pyscard builds from PyPI with swig and
# libpcsclite-dev.
set -euo pipefail
apt-get install -y -q pcscd libpcsclite-dev swig vsmartcard-vpcd python3-virtualsmartcard
# pcscd socket folder, in case no pcscd ever ran on this machine.
mkdir -p /run/pcscd
