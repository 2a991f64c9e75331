#!/usr/bin/env bash
# Creates one database per service (idempotent). Services also create their own database
# at boot if it is missing; this script lets `npm start` report problems up front.
set -euo pipefail
# The services' DATABASE_* settings (libs/platform/src/config/database-url.ts) come first.
PGHOST="${DATABASE_HOST:-${PGHOST:-127.0.0.1}}" PGPORT="${DATABASE_PORT:-${PGPORT:-5432}}" PGUSER="${DATABASE_USER:-${PGUSER:-postgres}}"
export PGHOST PGPORT PGUSER
if [ -n "${DATABASE_PASSWORD:-}" ]; then export PGPASSWORD="$DATABASE_PASSWORD"; fi
prefix="${DATABASE_NAME_PREFIX:-ddp_}"
for db in "${prefix}referral" "${prefix}provider_scheduling" "${prefix}outcome" "${prefix}notification"; do
  if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql -d postgres -qc "CREATE DATABASE $db" && echo "[postgres] created $db" >&2
  fi
done
