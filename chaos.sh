#!/usr/bin/env bash
# The chaos suite: faults under traffic against the real local services, then a check by SQL that
# every acknowledged tweet reached exactly its readers. Run ./chaos.sh --help for what it does.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

usage() {
    cat <<'EOF2'
Usage: ./chaos.sh [--real-restarts] [SCENARIO...] [STEP...] [-Dchaos.KNOB=VALUE|-Dcompare.KNOB=VALUE...]

Each scenario on each selected step that it applies to (default: all of both): the step on a fresh
schema (database "chaos") and fresh queues, seeded with compare's data set; a fault while traffic
runs; then, once fan-out has quiesced, a check by SQL that every acknowledged tweet has exactly one
feed row for its author and for each follower and none for anyone else. One line each:
acknowledged, lost, duplicate, stray (feed rows), 5xx during the outage, 500s, longest lag (201 to
the last feed row), PASS/FAIL. Exits 1 if any FAILs (lost, duplicate or stray above 0, or nothing
acknowledged). Steps 3-6 run an API process and a separate worker process.

Scenarios:
  broker       steps 3-6: RabbitMQ "restarts" for 8 s during a burst of posts
  postgres     steps 1-6: PostgreSQL "restarts" for 8 s during mixed traffic (3 reads per post)
  redis        step 6:    Redis stops for 8 s during mixed traffic, then starts again (empty)
  kill-worker  steps 3-6: the most followed fanned-out author (thousands of followers) posts 10
               tweets; the worker is killed with kill -9 mid fan-out, and another started 3 s later
  load         steps 1-6: 1,000 concurrent clients of mixed traffic (10 reads per post) for 60 s

By default the shared services are never restarted: the steps reach PostgreSQL and RabbitMQ
through a TCP proxy in the suite's JVM, which a "restart" cuts (open connections closed, new ones
refused) and restores; step 6 gets a private redis-server on port 8199, which is really stopped.
  --real-restarts  restart the machine's own services instead (rabbitmqctl stop_app/start_app,
                   pg_ctlcluster 15 main stop/start, Redis 6379 shutdown and start): a dedicated
                   machine only, never one where others run tests
  --help           this text

Knobs: -Dchaos.outageSeconds=8 -Dchaos.loadClients=1000 -Dchaos.loadSeconds=60 -Dchaos.portBase=8110
(step N on portBase+N) -Dchaos.settleTimeoutSeconds=180 (load: -Dchaos.loadSettleTimeoutSeconds=900) -Dchaos.redisPort=8199 -Dchaos.apiPool=10
-Dchaos.workerPool=6; the data set: CHAOS_USERS=3000 (-Dcompare.users), -Dcompare.friendsMin=20,
-Dcompare.friendsMax=60; step 6's celebrity threshold is users - 2 (only the celebrity is one).
Results: compare/target/chaos/figures.md, logs in compare/target/chaos/logs/. Leaves no process running.
EOF2
}

ARGS=()
PROPS=()
for arg in "$@"; do
    case "$arg" in
        --help|-h) usage; exit 0 ;;
        --real-restarts) PROPS+=("-Dchaos.realRestarts=true") ;;
        [1-6]|broker|postgres|redis|kill-worker|load) ARGS+=("$arg") ;;
        -Dchaos.*=*|-Dcompare.*=*) PROPS+=("$arg") ;;
        *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
    esac
done

USERS=${CHAOS_USERS:-3000}
TARGET=$ROOT/compare/target/chaos
JARS=$TARGET/jars
DB=chaos

log() { printf '\n== %s\n' "$*"; }

log "services"
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
rabbitmq-diagnostics -q check_running >/dev/null 2>&1 || { echo "RabbitMQ is not running on 127.0.0.1:5672" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (step 6's scenarios need it)" >&2; exit 1; }
psql -h 127.0.0.1 -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
echo "PostgreSQL (database $DB), RabbitMQ and redis-server are there"
# 1,000 clients, each a connection and a thread, plus the step's side of each: ask for the hard limit
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ ${#ARGS[@]} -eq 0 ] || printf '%s\n' "${ARGS[@]}" | grep -qx load; then
    [ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4096 ] || { echo "ulimit -n is $(ulimit -n): the load scenario needs 4096" >&2; exit 1; }
fi

log "build"
MODULES=(step1-basic step2-precomputed step3-async step4-multiconsumer step5-production step6-cached)
stale=false
for m in "${MODULES[@]}"; do
    jar=$m/target/$m-0.1.0-SNAPSHOT-exec.jar
    if [ ! -f "$jar" ] || [ -n "$(find step*/src step*/pom.xml common/src common/pom.xml pom.xml -newer "$jar" -print -quit)" ]; then stale=true; fi
done
if $stale; then
    ./mvnw -B -q package -DskipTests -pl "$(IFS=,; echo "${MODULES[*]}")" -am
else
    echo "step jars are up to date"
fi
rm -rf "$TARGET"
mkdir -p "$JARS"
for m in "${MODULES[@]}"; do cp "$m/target/$m-0.1.0-SNAPSHOT-exec.jar" "$JARS/"; done # a build elsewhere must not swap a jar under a running step
./mvnw -B -q -f compare/pom.xml compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$ROOT/compare/target/chaos-classpath.txt" >/dev/null
cp -r compare/target/classes "$TARGET/classes" # a copy, as the jars: a build must not swap classes under a running suite
CP="$TARGET/classes:$(cat "$ROOT/compare/target/chaos-classpath.txt")"

log "chaos ($(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg))"
RUN_ID=$(date +%Y%m%d%H%M%S)
rc=0
java -Xss512k -Xmx1g -cp "$CP" -Dcompare.jdbcUrl="jdbc:postgresql://127.0.0.1:5432/$DB" -Dcompare.workDir="$TARGET" \
    -Dcompare.users="$USERS" -Dcompare.friendsMin=20 -Dcompare.friendsMax=60 -Dcompare.celebrityThreshold=$((USERS - 2)) \
    -Dchaos.jars="$JARS" -Dchaos.runId="$RUN_ID" "${PROPS[@]}" dev.twitterarch.compare.chaos.Chaos "${ARGS[@]}" || rc=$?

log "clean up"
{ timeout 30 rabbitmqctl -q list_queues name --no-table-headers 2>/dev/null | sed 's/^/queue /'
  timeout 30 rabbitmqctl -q list_exchanges name --no-table-headers 2>/dev/null | sed 's/^/exchange /'
} | java -cp "$CP" dev.twitterarch.compare.Compare broker-cleanup "chaos-$RUN_ID-" || echo "could not delete the run's queues (prefix chaos-$RUN_ID-)" >&2
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
