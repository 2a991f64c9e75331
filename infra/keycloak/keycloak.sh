#!/usr/bin/env bash
# Runs Keycloak, the OpenID Connect identity provider, from the official distribution (no Docker).
#   keycloak.sh start   fetch and build once, create its database, start, import the realm
#                       (reuses a server that already answers with the current realm)
#   keycloak.sh stop    SIGTERM and wait for a clean shutdown
#   keycloak.sh status  exit 0 when the realm's discovery document answers
# The distribution lives in infra/keycloak/dist (git-ignored); state (pid, logs, the realm's
# fingerprint) in .run/keycloak. The realm is code: infra/keycloak/realm/*.json, imported at
# start; when those files change, the next start recreates Keycloak's database so they apply.
# Local use only: the realm's demo users and client secrets are published in the README.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VERSION=26.7.3
DIST="$HERE/dist/keycloak-$VERSION"
RUN_DIR="${KEYCLOAK_RUN_DIR:-$ROOT/.run/keycloak}"
PID_FILE="$RUN_DIR/keycloak.pid"
REALM_STAMP="$RUN_DIR/realm.sha256"
HOST=127.0.0.1
PORT="${KEYCLOAK_PORT:-8180}"
MANAGEMENT_PORT="${KEYCLOAK_MANAGEMENT_PORT:-9180}"
DB="${KEYCLOAK_DB:-ddp_keycloak}"
REALM=ddp
# Build-time options, baked into the distribution by `kc.sh build` so each start skips the
# Quarkus augmentation; a local cache: one node, no cluster discovery at start.
BUILD_OPTIONS=(--db=postgres --health-enabled=true --cache=local)
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
# Read by the realm file's ${DDP_AUTH_AUDIENCE:ddp-api} placeholder: the audience the API expects.
export DDP_AUTH_AUDIENCE="${DDP_AUTH_AUDIENCE:-ddp-api}"

log() { echo "[keycloak] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
realm_answers() { curl -sf -m 5 -o /dev/null "http://$HOST:$PORT/realms/$REALM/.well-known/openid-configuration"; }
our_server_running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }
realm_fingerprint() { { cat "$HERE"/realm/*.json; echo "$DDP_AUTH_AUDIENCE"; } | sha256sum | cut -d' ' -f1; }

fetch() {
  if [ -x "$DIST/bin/kc.sh" ]; then return; fi
  log "fetching org.keycloak:keycloak-quarkus-dist:$VERSION from Maven Central (first run only: about 170 MB)"
  # Maven downloads into its local repository, then unpacks: its growth is the progress (as kafka.sh).
  local started=$SECONDS m2="$HOME/.m2/repository" before pid
  before=$( (du -sm "$m2" 2>/dev/null || echo 0) | cut -f1)
  # Run from dist/: without a pom, Maven writes its unpack markers under ./${project.basedir}.
  # Maven prints colour resets even in batch mode: strip them.
  mkdir -p "$HERE/dist"
  ( cd "$HERE/dist" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:unpack \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:tar.gz" -DoutputDirectory="$HERE/dist" \
      2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2 ) &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if kill -0 "$pid" 2>/dev/null; then log "  $((SECONDS - started)) s, $(( $( (du -sm "$m2" 2>/dev/null || echo 0) | cut -f1) - before )) MB downloaded"; fi
  done
  wait "$pid"
  log "fetched and unpacked in $((SECONDS - started)) s ($(du -sm "$DIST" | cut -f1) MB)"
}

build() {
  local stamp="$DIST/.ddp-build-options"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${BUILD_OPTIONS[*]}" ]; then return; fi
  log "building the server once (${BUILD_OPTIONS[*]}); later starts skip this"
  local started=$SECONDS
  "$DIST/bin/kc.sh" build "${BUILD_OPTIONS[@]}" >"$RUN_DIR/build.log" 2>&1 || { tail -20 "$RUN_DIR/build.log" >&2; exit 1; }
  echo "${BUILD_OPTIONS[*]}" >"$stamp"
  log "built in $((SECONDS - started)) s"
}

database_exists() { psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; }

# Keycloak imports a realm only when it does not exist yet: a changed realm file gets a fresh database.
prepare_database() {
  if database_exists && [ "$(cat "$REALM_STAMP" 2>/dev/null)" != "$(realm_fingerprint)" ]; then
    log "realm files changed since the last import: recreating database $DB"
    psql -d postgres -qc "DROP DATABASE $DB"
  fi
  if ! database_exists; then psql -d postgres -qc "CREATE DATABASE $DB" && log "created database $DB"; fi
}

wait_until_up() {
  local deadline=$((SECONDS + ${KEYCLOAK_START_TIMEOUT:-240}))
  until realm_answers; do
    if ! our_server_running; then
      log "Keycloak exited during start; last log lines:"; tail -30 "$RUN_DIR/keycloak.log" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then log "Keycloak did not answer in time (see $RUN_DIR/keycloak.log)"; exit 1; fi
    sleep 0.5
  done
}

start() {
  mkdir -p "$RUN_DIR"
  if realm_answers; then
    if ! our_server_running || [ "$(cat "$REALM_STAMP" 2>/dev/null)" = "$(realm_fingerprint)" ]; then
      log "Keycloak already answering on $HOST:$PORT (reused)"; return
    fi
    log "realm files changed since this server started: restarting it"
    stop
  elif port_open "$PORT"; then
    log "port $PORT is taken by something that is not Keycloak's realm $REALM"; exit 1
  fi
  command -v java >/dev/null || [ -n "${JAVA_HOME:-}" ] || { log "java not found (Java 17+ is required)"; exit 1; }
  fetch
  build
  prepare_database
  mkdir -p "$DIST/data/import"
  rm -f "$DIST"/data/import/*.json
  cp "$HERE"/realm/*.json "$DIST/data/import/"
  log "starting Keycloak $VERSION on http://$HOST:$PORT (realm $REALM, database $DB)"
  local started=$SECONDS
  # setsid: the server outlives the shell that started it; keycloak.sh stop ends it.
  # The master realm's admin is local only, like everything this script starts.
  KC_BOOTSTRAP_ADMIN_USERNAME="${KEYCLOAK_ADMIN_USER:-admin}" KC_BOOTSTRAP_ADMIN_PASSWORD="${KEYCLOAK_ADMIN_PASSWORD:-admin}" \
  JAVA_OPTS_KC_HEAP="${KEYCLOAK_HEAP:--Xms64m -Xmx512m}" \
  setsid "$DIST/bin/kc.sh" start --optimized --import-realm \
    --http-enabled=true --http-host="$HOST" --http-port="$PORT" \
    --http-management-port="$MANAGEMENT_PORT" --hostname-strict=false \
    --db-url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --db-username="$PGUSER" \
    >"$RUN_DIR/keycloak.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_until_up
  realm_fingerprint >"$REALM_STAMP"
  log "Keycloak up in $((SECONDS - started)) s (pid $(cat "$PID_FILE")); issuer http://$HOST:$PORT/realms/$REALM"
}

stop() {
  if [ ! -f "$PID_FILE" ]; then log "no Keycloak started by this project"; return; fi
  local pid; pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Keycloak (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "Keycloak still running after 60s; killing"; kill -KILL "$pid"; fi
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) realm_answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
