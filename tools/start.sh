#!/usr/bin/env bash
# `npm start`: install what is missing, build, bring up PostgreSQL, Redis, the databases,
# a Kafka broker and its topics, then run the four services. Ctrl-C stops the services,
# and the broker too when this script started it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# `npm install` follows package-lock.json; see tools/test.sh for why not `npm ci`.
[ -d node_modules/.bin ] || npm install --no-audit --no-fund
node tools/build.js
started_kafka=false
if [ -z "${KAFKA_BROKERS:-}" ] && ! bash infra/kafka/kafka.sh status; then started_kafka=true; fi
bash tools/infra.sh up
cleanup() { if $started_kafka; then bash infra/kafka/kafka.sh stop; fi; }
trap cleanup EXIT
node tools/run-services.js
