#!/usr/bin/env bash
# The portal's browser tests drive Debian's Chromium through Playwright (the
# Python package only; `playwright install` is never run). Persian glyphs come
# from the Vazirmatn font the portal itself serves (web/static/fonts/).
set -euo pipefail
apt-get install -y -q chromium
