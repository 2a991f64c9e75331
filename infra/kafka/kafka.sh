#!/usr/bin/env bash
# Runs a single-node KRaft Apache Kafka broker from the official jars (no Docker).
#   kafka.sh start   fetch jars if missing, format storage once, start (reuses a running broker)
#   kafka.sh stop    SIGTERM and wait for a clean shutdown
#   kafka.sh status  exit 0 when the broker answers on 127.0.0.1:9092
#   kafka.sh acls    (secured broker) make its ACLs the table's again
# State lives in .run/kafka (git-ignored): data, logs and the pid file.
# KAFKA_RUN_DIR, KAFKA_PORT and KAFKA_CONTROLLER_PORT run a second, private broker (the
# fault-injection suite kills its own broker, never the one everything else shares).
# KAFKA_SECURITY=sasl_ssl runs the secured broker (server-sasl-ssl.properties; by default in
# .run/kafka-secure on 9094/9095): at first start a local CA and the broker's certificate
# (tls/), a SCRAM-SHA-512 user per principal of libs/platform/src/kafka/kafka-acls.ts with a
# generated password (credentials/), then at every start the topics and the ACLs of that table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECURITY="${KAFKA_SECURITY:-plaintext}"
case "$SECURITY" in
  plaintext) TEMPLATE="$HERE/server.properties"; DEFAULT_RUN_DIR="$ROOT/.run/kafka"; DEFAULT_PORT=9092; DEFAULT_CONTROLLER_PORT=9093 ;;
  sasl_ssl) TEMPLATE="$HERE/server-sasl-ssl.properties"; DEFAULT_RUN_DIR="$ROOT/.run/kafka-secure"; DEFAULT_PORT=9094; DEFAULT_CONTROLLER_PORT=9095 ;;
  *) echo "[kafka] KAFKA_SECURITY must be plaintext or sasl_ssl (got $SECURITY)" >&2; exit 2 ;;
esac
RUN_DIR="${KAFKA_RUN_DIR:-$DEFAULT_RUN_DIR}"
LIBS="$HERE/libs"
DATA="$RUN_DIR/data"
PID_FILE="$RUN_DIR/kafka.pid"
TLS_DIR="$RUN_DIR/tls"
CREDENTIALS_DIR="$RUN_DIR/credentials"
SECURITY_TOOL="$ROOT/dist/tools/kafka-security.js"
HOST=127.0.0.1
PORT="${KAFKA_PORT:-$DEFAULT_PORT}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$DEFAULT_CONTROLLER_PORT}"

log() { echo "[kafka] $*" >&2; }
now_ms() { date +%s%3N; }

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

# The checked-in properties with this broker's ports, plus its absolute data folder (and,
# secured, its TLS files and the admin's password: the file is readable by its owner only).
write_config() {
  mkdir -p "$RUN_DIR"
  local template_ports=(-e "s/:9092/:$PORT/g" -e "s/:9093/:$CONTROLLER_PORT/g")
  if [ "$SECURITY" = sasl_ssl ]; then
    template_ports=(-e "s/:9094/:$PORT/g" -e "s/:9095/:$CONTROLLER_PORT/g"
      -e "s|@TLS_DIR@|$TLS_DIR|g" -e "s|@KEYSTORE_PASSWORD@|$(cat "$TLS_DIR/keystore.password")|g"
      -e "s|@ADMIN_USER@|ddp-admin|g" -e "s|@ADMIN_PASSWORD@|$(cat "$CREDENTIALS_DIR/ddp-admin")|g")
  fi
  (umask 077; { sed "${template_ports[@]}" "$TEMPLATE"; echo "log.dirs=$DATA"; } >"$RUN_DIR/server.properties")
}

# A local CA and the broker's certificate (for 127.0.0.1 and localhost) signed by it, kept
# in PKCS12 for the broker; clients trust tls/ca.pem. Made once per run folder.
generate_tls() {
  if [ -f "$TLS_DIR/broker.p12" ]; then return; fi
  local started; started=$(now_ms)
  mkdir -p "$TLS_DIR"; chmod 700 "$TLS_DIR"
  (
    cd "$TLS_DIR"
    umask 077
    openssl rand -hex 24 >keystore.password
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 825 -subj "/CN=ddp-local-kafka-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj "/CN=ddp-kafka-broker" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 825 -extfile broker.ext 2>/dev/null
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker -out broker.p12 -passout "file:keystore.password"
    rm -f broker.csr broker.ext ca.srl
    chmod 644 ca.pem broker.pem
  )
  log "generated a local CA and the broker certificate in $(( $(now_ms) - started )) ms ($TLS_DIR)"
}

# The compiled tools/kafka-security.ts (principals, passwords, ACLs); built when missing.
security_tool() {
  if [ ! -f "$SECURITY_TOOL" ]; then log "building dist/ (tools/kafka-security.ts)"; node "$ROOT/tools/build.js" >&2; fi
  node "$SECURITY_TOOL" "$@"
}

format_storage() {
  if [ -f "$DATA/meta.properties" ]; then return; fi
  mkdir -p "$DATA"
  local cluster_id started scram=()
  started=$(now_ms)
  cluster_id="$(java -Dlog4j.configuration="file:$HERE/log4j-tools.properties" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
  if [ "$SECURITY" = sasl_ssl ]; then
    # SCRAM users are records of the metadata log: written at format time, before the
    # broker (whose own inter-broker login is the admin's) first starts.
    mapfile -t scram < <(security_tool scram-args "$CREDENTIALS_DIR")
  fi
  log "formatting storage (cluster $cluster_id${scram:+, $(( ${#scram[@]} / 2 )) SCRAM users})"
  java -Dlog4j.configuration="file:$HERE/log4j-tools.properties" -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN_DIR/server.properties" "${scram[@]}" >/dev/null
  log "formatted in $(( $(now_ms) - started )) ms"
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
  if [ "$SECURITY" = sasl_ssl ]; then
    generate_tls
    security_tool passwords "$CREDENTIALS_DIR" >/dev/null
  fi
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
  if [ "$SECURITY" = sasl_ssl ]; then
    security_tool apply "$HOST:$PORT" "$CREDENTIALS_DIR" "$TLS_DIR/ca.pem"
  fi
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

# Secured broker: make its ACLs the table's again (after a change to kafka-acls.ts).
acls() {
  [ "$SECURITY" = sasl_ssl ] || { log "ACLs exist on the secured broker only (KAFKA_SECURITY=sasl_ssl)"; exit 2; }
  security_tool apply "$HOST:$PORT" "$CREDENTIALS_DIR" "$TLS_DIR/ca.pem"
}

case "${1:-}" in
  start) start ;;
  acls) acls ;;
  stop) stop ;;
  status) port_open ;;
  *) echo "usage: $0 start|stop|status|acls" >&2; exit 2 ;;
esac
