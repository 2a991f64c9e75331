#!/usr/bin/env bash
# Creates one database per service (idempotent). Services also create their own database
# at boot if it is missing; this script lets `npm start` report problems up front.
set -euo pipefail
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
for db in ddp_referral ddp_provider_scheduling ddp_outcome ddp_notification; do
  if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql -d postgres -qc "CREATE DATABASE $db" && echo "[postgres] created $db" >&2
  fi
done
