#!/usr/bin/env bash
# PostgreSQL for the gateway tests. The tests start their own throwaway
# cluster (initdb + pg_ctl as the postgres user, in a temp folder, on a free
# port); no system service is needed.
set -euo pipefail
apt-get install -y -q postgresql
