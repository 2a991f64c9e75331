#!/usr/bin/env bash
# Brings up what the services need on this machine: PostgreSQL and Redis (started if they
# are down, with the machine's own commands), the service databases, a Kafka broker
# (infra/kafka/kafka.sh) and every topic. Set KAFKA_BROKERS to use another cluster.
#   tools/infra.sh up     idempotent
#   tools/infra.sh down   stops the Kafka broker this project started
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "[infra] $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 0.5; done
  log "$name did not come up on port $port"; exit 1
}

up_postgres() {
  # Another server (DATABASE_HOST) is not ours to start.
  if [ -n "${DATABASE_HOST:-}" ] && [ "$DATABASE_HOST" != 127.0.0.1 ] && [ "$DATABASE_HOST" != localhost ]; then return; fi
  if port_open "${DATABASE_PORT:-5432}"; then return; fi
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  else
    log "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is not available"; exit 1
  fi
  wait_port 5432 PostgreSQL
}

up_redis() {
  if port_open 6379; then return; fi
  log "starting Redis"
  command -v redis-server >/dev/null || { log "Redis is not running on 127.0.0.1:6379 and redis-server is not installed"; exit 1; }
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 Redis
}

case "${1:-up}" in
  up)
    up_postgres
    up_redis
    "$ROOT/infra/postgres/create-databases.sh"
    if [ -z "${KAFKA_BROKERS:-}" ]; then "$ROOT/infra/kafka/kafka.sh" start; fi
    node "$ROOT/tools/create-topics.js"
    ;;
  down)
    "$ROOT/infra/kafka/kafka.sh" stop
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
