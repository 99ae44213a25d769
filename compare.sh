#!/usr/bin/env bash
# The same load against every step, one side-by-side report: compare/target/report/index.html.
# Run ./compare.sh --help for the knobs; compare/README.md explains what is measured.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

usage() {
    cat <<'EOF'
Usage: ./compare.sh [--smoke] [STEP...] [-Dcompare.KNOB=VALUE...]

Starts each selected step (default: 1 2 3 4 5 6) alone, with the same JVM settings, on a fresh
schema, fresh queues and (step 6) a flushed Redis database; seeds the same data set; runs the same
Gatling simulation; stops it. Then writes compare/target/report/index.html and report.md.

  --smoke     steps 1 and 2, 50 users, two 2-second stages: a check that everything works
              (well under a minute once built); fails on any error
  --help      this text
  STEP...     which steps, e.g. ./compare.sh 1 2 6

Knobs, as environment variables (or -Dcompare.camelCaseName=VALUE, which wins):
  COMPARE_USERS=2000                 users in the data set (up to 100000, given time)
  COMPARE_FRIENDS_MIN=20             each user follows FRIENDS_MIN..FRIENDS_MAX others, by
  COMPARE_FRIENDS_MAX=200              Zipf-like popularity; plus the celebrity, followed by all
  COMPARE_POPULARITY=1.0             Zipf exponent (higher: more skew)
  COMPARE_POSTS_MIN=1                tweets per user before the run
  COMPARE_POSTS_MAX=5
  COMPARE_SEED=42                    the data set's and the mixed traffic's random seed
  COMPARE_STAGES=1,10,100,1000       concurrent users of the mixed-traffic stages (closed model)
  COMPARE_STAGE_SECONDS=10           length of each stage (also of each /ping ceiling stage)
  COMPARE_WARMUP_SECONDS=3           unreported warm-up before the stages
  COMPARE_READS_ONLY_USERS=100       after the mixed traffic, every reader's feed read once (not
                                       reported), then reads only at this many users for a stage
                                       (0: skip); against /ping at the same users, if it is a stage
  COMPARE_WRITE_TARGETS=10,100,1000  write cost: authors with about these many followers (+ the celebrity)
  COMPARE_WRITE_POSTS=10             posts by each of those authors
  COMPARE_LAG_POSTS=3                celebrity posts timed for fan-out lag
  COMPARE_LAG_SAMPLE=20              followers whose feeds are polled for each of them
  COMPARE_LAG_TIMEOUT_SECONDS=60     give up on one post's fan-out after this
  COMPARE_SETTLE_TIMEOUT_SECONDS=120 give up waiting for a backlog to drain after this
  COMPARE_MAX_ERROR_PERCENT=1        Gatling assertion: failed requests, % of all
  COMPARE_MAX_P99_MILLIS=30000       Gatling assertion: p99 response time
  COMPARE_JVM_OPTS="-Xms512m -Xmx512m"  every step's JVM
  COMPARE_PORT_BASE=18000            step N listens on PORT_BASE+N (not 800N: a demo may be running)
  COMPARE_REDIS_DB=7                 step 6's Redis database (flushed before it starts)
  COMPARE_CELEBRITY_THRESHOLD=1000   step 6: authors with more followers are not fanned out but merged at read
  COMPARE_DB_URL=jdbc:postgresql://127.0.0.1:5432/postgres
                                     the database every step and the seeding use (user postgres, no
                                     password): plain PostgreSQL, or a Citus coordinator with its
                                     workers registered (e.g. .ci/citus-cluster start: port 9700)
  COMPARE_BUILD=auto                 auto: build a step when its sources are newer than its jar;
                                     always; never

Needs PostgreSQL, RabbitMQ (steps 3-6, consistent-hash plugin for 4-6) and Redis (step 6) on their
standard local ports, as the tests do. Leaves no process running.
EOF
}

now() { date +%s; }
STARTED=$(now)
log() { printf '\n== [%3d s] %s\n' "$(( $(now) - STARTED ))" "$*"; }

SMOKE=false
STEPS=()
OVERRIDES=()
for arg in "$@"; do
    case "$arg" in
        --help|-h) usage; exit 0 ;;
        --smoke) SMOKE=true ;;
        [1-6]) STEPS+=("$arg") ;;
        -Dcompare.*=*) OVERRIDES+=("$arg") ;;
        *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
    esac
done

if $SMOKE; then
    # small and quick, and strict: any failed request fails the run
    : "${COMPARE_USERS:=50}" "${COMPARE_FRIENDS_MIN:=5}" "${COMPARE_FRIENDS_MAX:=20}" "${COMPARE_POSTS_MAX:=3}"
    : "${COMPARE_STAGES:=1,10}" "${COMPARE_STAGE_SECONDS:=2}" "${COMPARE_WARMUP_SECONDS:=0}" "${COMPARE_READS_ONLY_USERS:=10}"
    : "${COMPARE_WRITE_POSTS:=3}" "${COMPARE_LAG_POSTS:=1}" "${COMPARE_LAG_SAMPLE:=5}"
    : "${COMPARE_MAX_ERROR_PERCENT:=0}" "${COMPARE_MAX_P99_MILLIS:=5000}"
    [ ${#STEPS[@]} -gt 0 ] || STEPS=(1 2)
fi
[ ${#STEPS[@]} -gt 0 ] || STEPS=(1 2 3 4 5 6)
JVM_OPTS=${COMPARE_JVM_OPTS:--Xms512m -Xmx512m}
PORT_BASE=${COMPARE_PORT_BASE:-18000}
REDIS_DB=${COMPARE_REDIS_DB:-7}
BUILD=${COMPARE_BUILD:-auto}
DB_URL=${COMPARE_DB_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}
DB_HOSTPORT=$(echo "$DB_URL" | sed -E 's#^jdbc:postgresql://([^/?]+).*#\1#')
DB_HOST=${DB_HOSTPORT%%:*}
DB_PORT=$([[ "$DB_HOSTPORT" == *:* ]] && echo "${DB_HOSTPORT##*:}" || echo 5432)
DB_NAME=$(echo "$DB_URL" | sed -E 's#^jdbc:postgresql://[^/]+/([^?]+).*#\1#')

# the knobs the Java side reads, as -Dcompare.camelCase (USERS -> users, STAGE_SECONDS -> stageSeconds);
# -Dcompare.* arguments come last and win
KNOBS=(USERS FRIENDS_MIN FRIENDS_MAX POPULARITY POSTS_MIN POSTS_MAX SEED STAGES STAGE_SECONDS WARMUP_SECONDS READS_ONLY_USERS
       WRITE_TARGETS WRITE_POSTS LAG_POSTS LAG_SAMPLE LAG_TIMEOUT_SECONDS SETTLE_TIMEOUT_SECONDS
       MAX_ERROR_PERCENT MAX_P99_MILLIS CELEBRITY_THRESHOLD)
PROPS=()
for knob in "${KNOBS[@]}"; do
    var=COMPARE_$knob
    if [ -n "${!var:-}" ]; then
        PROPS+=("-Dcompare.$(echo "$knob" | tr 'A-Z' 'a-z' | sed -E 's/_([a-z0-9])/\U\1/g')=${!var}")
    fi
done
PROPS+=("${OVERRIDES[@]}")

MODULES=([1]=step1-basic [2]=step2-precomputed [3]=step3-async [4]=step4-multiconsumer [5]=step5-production [6]=step6-cached)
TARGET=$ROOT/compare/target
WORK=$TARGET/run
REPORT=$TARGET/report
JARS=$TARGET/jars
RUN_ID=$(date +%Y%m%d%H%M%S)
PREFIX=compare-$RUN_ID-
PROPS+=("-Dcompare.workDir=$WORK" "-Dcompare.jdbcUrl=$DB_URL")
FAILED=()

APP_PID=""
stop_app() {
    [ -n "$APP_PID" ] || return 0
    if kill -0 "$APP_PID" 2>/dev/null; then
        kill -TERM "$APP_PID" 2>/dev/null || true
        for _ in $(seq 40); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done
        kill -KILL "$APP_PID" 2>/dev/null || true
    fi
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
}
trap stop_app EXIT
trap 'stop_app; exit 130' INT TERM

# --- preflight -----------------------------------------------------------------------------------
log "services"
pg_isready -h "$DB_HOST" -p "$DB_PORT" -q || { echo "PostgreSQL is not answering on $DB_HOST:$DB_PORT ($DB_URL)" >&2; exit 1; }
CITUS=$(psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -Atc "SELECT extversion FROM pg_extension WHERE extname = 'citus'" "$DB_NAME" 2>/dev/null || true)
echo "PostgreSQL is up at $DB_HOST:$DB_PORT${CITUS:+ (Citus $CITUS)}"
if printf '%s\n' "${STEPS[@]}" | grep -q '^6$'; then
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not answering on 127.0.0.1:6379 (step 6 needs it)" >&2; exit 1; }
    echo "Redis is up"
fi
for n in "${STEPS[@]}"; do
    if curl -s -o /dev/null "http://127.0.0.1:$((PORT_BASE + n))/"; then
        echo "port $((PORT_BASE + n)) is taken: set COMPARE_PORT_BASE" >&2; exit 1
    fi
done

# --- build ---------------------------------------------------------------------------------------
log "build"
stale=()
for n in "${STEPS[@]}"; do
    m=${MODULES[$n]}
    jar=$m/target/$m-0.1.0-SNAPSHOT-exec.jar
    if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && { [ ! -f "$jar" ] || [ -n "$(find step*/src step*/pom.xml common/src common/pom.xml pom.xml -newer "$jar" -print -quit)" ]; }; }; then
        stale+=("$m")
    fi
done
if [ ${#stale[@]} -gt 0 ]; then
    list=$(IFS=,; echo "${stale[*]}")
    echo "building $list"
    ./mvnw -B -q -pl "$list" -am package -DskipTests -o || ./mvnw -B -q -pl "$list" -am package -DskipTests
else
    echo "step jars are up to date"
fi
rm -rf "$WORK" "$REPORT" "$TARGET/gatling" "$JARS"
mkdir -p "$WORK" "$REPORT/gatling" "$JARS"
for n in "${STEPS[@]}"; do # a copy: a build elsewhere in the tree must not swap a jar under a running step
    cp "${MODULES[$n]}/target/${MODULES[$n]}-0.1.0-SNAPSHOT-exec.jar" "$JARS/"
done
# compile the simulations; Maven works out the classpath once, then every run is a plain java command
if [ ! -f "$TARGET/classpath.stamp" ] || [ -n "$(find compare/src compare/pom.xml -newer "$TARGET/classpath.stamp" -print -quit)" ]; then
    ./mvnw -B -q -f compare/pom.xml test-compile dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$TARGET/classpath.txt" >/dev/null
    touch "$TARGET/classpath.stamp"
fi
CP="$TARGET/test-classes:$TARGET/classes:$(cat "$TARGET/classpath.txt")"
compare() { java -Xmx2g -cp "$CP" "${PROPS[@]}" dev.twitterarch.compare.Compare "$@"; }
# One simulation, as `./mvnw -f compare/pom.xml gatling:test -Dgatling.simulationClass=...` would run it, minus
# Maven's start-up: io.gatling.app.Gatling is the main class the plugin forks.
gatling() { # SIMULATION LABEL OUT_DIR -Dcompare.*...
    local simulation=$1 label=$2 out=$3; shift 3
    local rc=0 results="$TARGET/gatling"
    rm -rf "$results"
    java -Xmx1g -XX:+UseG1GC -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$CP" "${PROPS[@]}" -Dcompare.out="$out" "$@" \
        io.gatling.app.Gatling --simulation "dev.twitterarch.compare.$simulation" --results-folder "$results" \
        --run-description "$label" >"$out/gatling.log" 2>&1 || rc=$?
    local made
    made=$(ls -d "$results"/*/ 2>/dev/null | head -1 || true)
    [ -z "$made" ] || mv "$made" "$REPORT/gatling/$label"
    sed -n '/---- Global Information/,/^=====/p' "$out/gatling.log" | grep -E 'request count|50th|99th|throughput' || true
    grep -E '^Global: ' "$out/gatling.log" || true
    return $rc
}

# --- the run -------------------------------------------------------------------------------------
{
    echo "runId=$RUN_ID"
    echo "mode=$($SMOKE && echo smoke || echo full)"
    echo "steps=$(IFS=,; echo "${STEPS[*]}")"
    echo "started=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine.cores=$(nproc)"
    echo "machine.cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' || echo '?')"
    echo "machine.memory=$(free -h | awk '/^Mem:/{print $2}')"
    echo "java.version=$(java -version 2>&1 | head -1)"
    echo "postgres.version=$(psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -Atc 'SHOW server_version' "$DB_NAME" 2>/dev/null | cut -d' ' -f1 || echo '?')"
    echo "database=${CITUS:+Citus $CITUS, }$DB_URL"
    echo "rabbitmq.version=$(timeout 20 rabbitmqctl -q version 2>/dev/null || echo '?')"
    echo "redis.version=$(redis-cli -h 127.0.0.1 INFO server 2>/dev/null | tr -d '\r' | awk -F: '/^redis_version/{print $2}' || echo '?')"
    echo "gatling.version=$(sed -n 's:.*<gatling.version>\(.*\)</gatling.version>.*:\1:p' compare/pom.xml)"
    echo "jvm.opts=$JVM_OPTS"
    echo "prefix=$PREFIX"
    echo "redis.db=$REDIS_DB"
    echo "load.start=$(cut -d' ' -f1-3 /proc/loadavg)"
    # other work on this machine skews every number: say how much there was
    tests=$(pgrep -fc 'surefirebooter' || true)
    builds=$(pgrep -fc 'org.codehaus.plexus.classworlds.launcher' || true)
    javas=$(pgrep -c java || true)
    echo "load.others=at the start, other JVMs running: ${tests:-0} test (Surefire), ${builds:-0} Maven, $(( ${javas:-0} - ${tests:-0} - ${builds:-0} )) other"
} >"$WORK/run.properties"

log "data set"
compare dataset

CEILING_DONE=false
STORAGE_DONE=false
for n in "${STEPS[@]}"; do
    m=${MODULES[$n]}
    port=$((PORT_BASE + n))
    dir=$WORK/step$n
    mkdir -p "$dir"
    log "step $n: $m on port $port"
    STEP_ARGS=()
    if [ "$n" = 6 ]; then
        redis-cli -h 127.0.0.1 -n "$REDIS_DB" FLUSHDB >/dev/null
        STEP_ARGS+=(--spring.data.redis.database="$REDIS_DB" --twitter.feed.celebrity-threshold="${COMPARE_CELEBRITY_THRESHOLD:-1000}")
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s%3N)
    # the simulations act through X-User-ID (the seeded users have no password), so the step trusts
    # that header; rate limits stay at their default, off: compare measures the steps, not a limit
    # shellcheck disable=SC2086 # JVM_OPTS is a list of options
    java $JVM_OPTS -jar "$JARS/$m-0.1.0-SNAPSHOT-exec.jar" --server.port="$port" --spring.datasource.url="$DB_URL" \
        --twitter.schema="compare_step$n" --twitter.reset-on-start=true --twitter.auth.trust-user-header=true \
        --twitter.messaging.prefix="${PREFIX}step$n" "${STEP_ARGS[@]}" >"$dir/app.log" 2>&1 &
    APP_PID=$!
    up=false
    for _ in $(seq 240); do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/ping"; then up=true; break; fi
        kill -0 "$APP_PID" 2>/dev/null || break
        sleep 0.5
    done
    startup=$(( $(date +%s%3N) - t0 ))
    if ! $up; then
        echo "step $n did not start; the end of its log:" >&2
        tail -20 "$dir/app.log" >&2
        printf 'run\tstatus=did not start\tstartupMillis=%s\tload=%s\n' "$startup" "$load" >>"$dir/results.tsv"
        FAILED+=("step $n: did not start")
        stop_app
        continue
    fi
    echo "up in $((startup / 1000)).$(( (startup % 1000) / 100 )) s"
    compare seed "compare_step$n" "$([ "$n" -ge 2 ] && echo true || echo false)" "$dir"

    status=ok
    if ! gatling StepSimulation "step$n" "$dir" -Dcompare.step="$n" -Dcompare.schema="compare_step$n" \
            -Dcompare.baseUrl="http://127.0.0.1:$port"; then
        status="assertions failed"
        grep -E ': .*: false|Exception|ERROR' "$dir/gatling.log" | head -5 >&2 || true
        FAILED+=("step $n: Gatling run failed (see $dir/gatling.log)")
    fi
    printf 'run\tstatus=%s\tstartupMillis=%s\tload=%s\treport=gatling/step%s/index.html\n' "$status" "$startup" "$load" "$n" >>"$dir/results.tsv"

    if ! $CEILING_DONE; then
        CEILING_DONE=true
        log "ceilings, on step $n"
        mkdir -p "$WORK/ceiling"
        if ! gatling CeilingSimulation ceiling "$WORK/ceiling" -Dcompare.baseUrl="http://127.0.0.1:$port"; then
            FAILED+=("the /ping ceiling: Gatling run failed (see $WORK/ceiling/gatling.log)")
        fi
        printf 'run\ton=step %s (%s)\treport=gatling/ceiling/index.html\n' "$n" "$m" >>"$WORK/ceiling/results.tsv"
    fi
    if ! $STORAGE_DONE && [ "$n" -ge 2 ]; then # step 1 has no feed_items to write into
        STORAGE_DONE=true
        mkdir -p "$WORK/ceiling"
        compare storage-ceiling "compare_step$n" "$WORK/ceiling"
    fi
    stop_app
    # database errors the step survived (retried), e.g. Citus's distributed deadlocks between workers
    deadlocks=$(grep -c 'deadlock detected' "$dir/app.log" || true)
    echo "step $n log: $deadlocks 'deadlock detected', $(grep -c ' ERROR ' "$dir/app.log" || true) ERROR lines"
    printf 'log\tdeadlocks=%s\n' "$deadlocks" >>"$dir/results.tsv"
done

log "clean up"
if command -v rabbitmqctl >/dev/null && printf '%s\n' "${STEPS[@]}" | grep -q '^[3-6]$'; then
    { timeout 30 rabbitmqctl -q list_queues name --no-table-headers 2>/dev/null | sed 's/^/queue /'
      timeout 30 rabbitmqctl -q list_exchanges name --no-table-headers 2>/dev/null | sed 's/^/exchange /'
    } | compare broker-cleanup "$PREFIX" || echo "could not delete the run's queues (prefix $PREFIX)" >&2
fi

log "report"
{
    echo "load.end=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "durationSeconds=$(( $(now) - STARTED ))"
} >>"$WORK/run.properties"
compare report "$REPORT"
[ -s "$REPORT/index.html" ] && [ -s "$REPORT/report.md" ] || FAILED+=("the report is missing")

echo
echo "took $(( ($(now) - STARTED) / 60 )) min $(( ($(now) - STARTED) % 60 )) s; report: $REPORT/index.html"
if [ ${#FAILED[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${FAILED[@]}" >&2
    exit 1
fi
