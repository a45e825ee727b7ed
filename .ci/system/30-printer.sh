#!/usr/bin/env bash
# Receipt printer: raqm for Pillow (Persian shaping; Pillow's wheel loads
# the system's libraqm/libfribidi), and CUPS with the cups-pdf printer for
# the A4 form tests (the tests start their own cupsd on a private socket).
set -euo pipefail
apt-get install -y -q libraqm0 cups-daemon cups-client printer-driver-cups-pdf
