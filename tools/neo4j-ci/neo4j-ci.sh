#!/usr/bin/env bash
# Starts and stops the real Neo4j Community 5.26 the integration tests run against, built
# from Maven Central by ./pom.xml (the first run downloads about 150 MB into ~/.m2).
#
#   eval "$(bash tools/neo4j-ci/neo4j-ci.sh start)"   # prints the NEO4J_* exports on stdout
#   bash tools/neo4j-ci/neo4j-ci.sh stop
#
# Bolt listens on 127.0.0.1:${NEO4J_CI_PORT:-7687} with auth enabled and a password made for
# this run. Progress and, on failure, the server log go to stderr; start exits non-zero when
# the server does not come up, so CI fails instead of skipping the Neo4j tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="$here/target/run"
port="${NEO4J_CI_PORT:-7687}"
wait_seconds="${NEO4J_CI_WAIT:-240}"

log() { printf 'neo4j-ci: %s\n' "$*" >&2; }

start() {
  if [ ! -d "$here/target/lib" ] || [ "$here/pom.xml" -nt "$here/target/lib" ] ||
    [ "$here/src/main/java/Neo4jCiServer.java" -nt "$here/target/classes" ]; then
    log "building the launcher with Maven"
    (cd "$here" && mvn -B -q --no-transfer-progress package >&2)
    touch "$here/target/lib"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is already in use; set NEO4J_CI_PORT to a free port"
    exit 1
  fi
  mkdir -p "$state"
  local home password pid
  home="$(mktemp -d /tmp/eventgraph-neo4j-ci.XXXXXX)"
  password="ci-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  echo "$home" >"$state/home"
  log "starting Neo4j on 127.0.0.1:$port (data in $home)"
  NEO4J_CI_HOME="$home" NEO4J_CI_PORT="$port" NEO4J_CI_PASSWORD="$password" \
    nohup java -Xms512m -Xmx2g -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -Dio.netty.tryReflectionSetAccessible=true \
    -cp "$here/target/classes:$here/target/lib/*" Neo4jCiServer \
    >"$state/neo4j.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$state/pid"

  local waited=0
  until grep -q NEO4J_READY "$state/neo4j.log"; do
    if ! kill -0 "$pid" 2>/dev/null || grep -q NEO4J_FAILED "$state/neo4j.log" ||
      [ "$waited" -ge "$wait_seconds" ]; then
      log "Neo4j did not start within ${waited}s; its log follows"
      cat "$state/neo4j.log" >&2
      stop
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "ready after ${waited}s: $(grep NEO4J_READY "$state/neo4j.log")"
  printf 'export NEO4J_URI=bolt://127.0.0.1:%s NEO4J_USERNAME=neo4j NEO4J_PASSWORD=%s\n' \
    "$port" "$password"
}

stop() {
  if [ -f "$state/pid" ]; then
    local pid
    pid="$(cat "$state/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      log "stopped"
    fi
    rm -f "$state/pid"
  fi
  if [ -f "$state/home" ]; then
    rm -rf "$(cat "$state/home")"
    rm -f "$state/home"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
