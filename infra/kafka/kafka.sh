#!/usr/bin/env bash
# Runs a single-node KRaft Apache Kafka broker from the official jars (no Docker).
#   kafka.sh start   fetch jars if missing, format storage once, start (reuses a running broker)
#   kafka.sh stop    SIGTERM and wait for a clean shutdown
#   kafka.sh status  exit 0 when the broker answers on 127.0.0.1:9092
# State lives in .run/kafka (git-ignored): data, logs and the pid file.
# KAFKA_RUN_DIR, KAFKA_PORT and KAFKA_CONTROLLER_PORT run a second, private broker (the
# fault-injection suite kills its own broker, never the one everything else shares).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN_DIR="${KAFKA_RUN_DIR:-$ROOT/.run/kafka}"
LIBS="$HERE/libs"
DATA="$RUN_DIR/data"
PID_FILE="$RUN_DIR/kafka.pid"
HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"

log() { echo "[kafka] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

fetch_jars() {
  if [ -f "$LIBS/kafka_2.13-3.9.1.jar" ]; then return; fi
  log "fetching the broker jars from Maven Central (first run only: 57 jars, about 46 MB)"
  # Maven downloads into its local repository, then copies: its growth is the progress.
  local started=$SECONDS m2="$HOME/.m2/repository" before pid
  before=$( (du -sm "$m2" 2>/dev/null || echo 0) | cut -f1)
  mvn -B -q -f "$HERE/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if kill -0 "$pid" 2>/dev/null; then log "  $((SECONDS - started)) s, $(( $( (du -sm "$m2" 2>/dev/null || echo 0) | cut -f1) - before )) MB downloaded"; fi
  done
  wait "$pid"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sm "$LIBS" | cut -f1) MB, in $((SECONDS - started)) s"
}

# The checked-in server.properties with this broker's ports, plus its absolute data folder.
write_config() {
  mkdir -p "$RUN_DIR"
  { sed -e "s/:9092/:$PORT/g" -e "s/:9093/:$CONTROLLER_PORT/g" "$HERE/server.properties"; echo "log.dirs=$DATA"; } >"$RUN_DIR/server.properties"
}

format_storage() {
  if [ -f "$DATA/meta.properties" ]; then return; fi
  mkdir -p "$DATA"
  local cluster_id
  cluster_id="$(java -Dlog4j.configuration="file:$HERE/log4j-tools.properties" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
  log "formatting storage (cluster $cluster_id)"
  java -Dlog4j.configuration="file:$HERE/log4j-tools.properties" -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN_DIR/server.properties" >/dev/null
}

wait_until_up() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until port_open; do
    if [ -f "$PID_FILE" ] && ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      log "broker exited during start; last log lines:"; tail -20 "$RUN_DIR/logs/server.log" >&2 || true
      tail -20 "$RUN_DIR/stdout.log" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then log "broker did not answer in time"; exit 1; fi
    sleep 0.5
  done
}

start() {
  if port_open; then log "broker already answering on $HOST:$PORT (reused)"; return; fi
  command -v java >/dev/null || { log "java not found (Java 17+ is required)"; exit 1; }
  fetch_jars
  write_config
  format_storage
  mkdir -p "$RUN_DIR/logs"
  log "starting broker on $HOST:$PORT"
  local started=$SECONDS
  # setsid: the broker outlives the shell that started it; kafka.sh stop ends it.
  setsid java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dkafka.logs.dir="$RUN_DIR/logs" -Dlog4j.configuration="file:$HERE/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$RUN_DIR/server.properties" \
    >"$RUN_DIR/stdout.log" 2>&1 < /dev/null &
  echo $! >"$PID_FILE"
  wait_until_up
  log "broker up in $((SECONDS - started)) s (pid $(cat "$PID_FILE"))"
}

stop() {
  if [ ! -f "$PID_FILE" ]; then log "no broker started by this project"; return; fi
  local pid; pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping broker (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "broker still running after 60s; killing"; kill -KILL "$pid"; fi
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) port_open ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
