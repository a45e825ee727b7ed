#!/usr/bin/env bash
# Receipt printer: raqm layout for Pillow (Persian shaping), CUPS with the
# cups-pdf printer for the A4 form tests.
set -euo pipefail
apt-get install -y -q libraqm0 cups cups-client cups-bsd printer-driver-cups-pdf
