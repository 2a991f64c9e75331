#!/usr/bin/env bash
# `npm start`: check the machine (tools/preflight.js), install what is missing, build, bring up
# PostgreSQL, Redis, the databases, a Kafka broker and its topics, then run the local outbox
# (tools/local-outbox.js: where e-mail, SMS and webhooks land, listed at http://127.0.0.1:3010/)
# and the four services, pointed at it. Ctrl-C stops them, and the broker too when this script
# started it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
node tools/preflight.js start
# `npm install` follows package-lock.json; see tools/test.sh for why not `npm ci`.
[ -d node_modules/.bin ] || npm install --no-audit --no-fund
node tools/build.js
started_kafka=false
if [ -z "${KAFKA_BROKERS:-}" ] && ! bash infra/kafka/kafka.sh status; then started_kafka=true; fi
bash tools/infra.sh up
# The notification service sends to the local outbox unless told otherwise (SMTP_URL, NOTIFY_*).
eval "$(node tools/local-run.js env)"
node tools/local-outbox.js &
outbox_pid=$!
cleanup() {
  kill "$outbox_pid" 2>/dev/null || true
  if $started_kafka; then bash infra/kafka/kafka.sh stop; fi
}
trap cleanup EXIT
node tools/run-services.js
