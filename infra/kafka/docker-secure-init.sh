#!/usr/bin/env bash
# docker-compose.yml's kafka-secure-init (profile "secure"), in the apache/kafka image: what
# kafka.sh does for KAFKA_SECURITY=sasl_ssl, with the JDK's keytool (the image has no openssl).
# A local CA and the broker's certificate (for kafka-secure, localhost, 127.0.0.1) in /tls,
# server.properties from server-sasl-ssl.properties for the container network, and the
# storage formatted with the SCRAM users kafka-secure-users wrote to /credentials.
set -euo pipefail
TLS=/tls
if [ ! -f "$TLS/broker.p12" ]; then
  umask 077
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TLS/keystore.password"
  pw="$(cat "$TLS/keystore.password")"
  keytool -genkeypair -alias ca -keyalg RSA -keysize 2048 -dname CN=ddp-local-kafka-ca -ext bc:c -validity 825 \
    -keystore "$TLS/ca.p12" -storetype PKCS12 -storepass "$pw"
  keytool -exportcert -rfc -alias ca -keystore "$TLS/ca.p12" -storepass "$pw" >"$TLS/ca.pem"
  keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -dname CN=ddp-kafka-broker -validity 825 \
    -keystore "$TLS/broker.p12" -storetype PKCS12 -storepass "$pw"
  keytool -certreq -alias broker -keystore "$TLS/broker.p12" -storepass "$pw" |
    keytool -gencert -alias ca -keystore "$TLS/ca.p12" -storepass "$pw" -rfc -validity 825 \
      -ext san=dns:kafka-secure,dns:localhost,ip:127.0.0.1 -ext eku=serverAuth,clientAuth >"$TLS/broker.pem"
  keytool -importcert -noprompt -alias ca -file "$TLS/ca.pem" -keystore "$TLS/broker.p12" -storepass "$pw"
  keytool -importcert -alias broker -file "$TLS/broker.pem" -keystore "$TLS/broker.p12" -storepass "$pw"
  chmod 644 "$TLS/ca.pem"
fi
sed -e "s|@TLS_DIR@|$TLS|g" -e "s|@KEYSTORE_PASSWORD@|$(cat "$TLS/keystore.password")|g" \
  -e "s|@ADMIN_USER@|ddp-admin|g" -e "s|@ADMIN_PASSWORD@|$(cat /credentials/ddp-admin)|g" \
  -e "s|^listeners=SASL_SSL://127.0.0.1|listeners=SASL_SSL://0.0.0.0|" \
  -e "s|^advertised.listeners=SASL_SSL://127.0.0.1|advertised.listeners=SASL_SSL://kafka-secure|" \
  /template/server-sasl-ssl.properties >/config/server.properties
echo "log.dirs=/data" >>/config/server.properties
if [ ! -f /data/meta.properties ]; then
  mapfile -t scram </credentials/scram-args
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c /config/server.properties "${scram[@]}"
fi
