# shellcheck shell=bash
# demo-lib.sh: what every step's run-demo.sh shares. Source it, never run it:
#
#   source "$(dirname "$0")/../common/demo/demo-lib.sh"
#   demo_start step1-basic 8001          # build if needed, start with an empty schema, stop on exit
#   demo_create_users fan 2000 FANS      # FANS=(id id ...), created in parallel
#   demo_time "feed read" 20 GET "/api/feed/?limit=20" "${FANS[0]}"
#   demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"   # time until followers see a new tweet (sampled)
#   demo_results_table "Step 1"
#
# Asynchronous steps (3 on) may start the main process as API only plus separate workers:
#   demo_start_api step4-multiconsumer 8004
#   demo_start_worker 0 --twitter.messaging.worker-index=0     # log: <module>/target/demo-worker-0.log
#
# demo_start first checks that PostgreSQL (and from step 3 on RabbitMQ, step 6 Redis) answers on
# localhost, and starts what is missing with docker compose when a Docker engine is there.
#
# Knobs (environment):
#   JAVA_OPTS             JVM options, default -Xmx512m (the same for every step)
#   DEMO_APP_ARGS         extra application arguments, e.g. --logging.level.root=debug
#   DEMO_PARALLEL         parallel curl processes for the set-up, default 8
#   DEMO_WARMUP           untimed requests before each timing, default 3
#   DEMO_START_TIMEOUT    seconds to wait for the application to answer, default 120
#   DEMO_REQUEST_TIMEOUT  seconds one request may take, default 60
#   REBUILD=1             rebuild the jar even if it exists (it is built when missing)
#   DEMO_SERVICES         services to check instead of the step's default, e.g. "postgres rabbitmq"
#   DEMO_LAG_SAMPLE       followers polled by demo_fanout_lag, default 20
#   DEMO_LAG_TIMEOUT      seconds a fan-out may take before the demo fails, default 120
#   DEMO_TRUST_USER_HEADER  true (default): the application honours X-User-ID, which the timing
#                         helpers send (--twitter.auth.trust-user-header); false: only bearer tokens
#                         from POST /api/auth/login act (common/demo/auth-demo.sh shows that)
#
# Fails fast: any HTTP status other than the expected one stops the demo with the request and the
# response body, and the application (with any extra workers) is stopped on every exit (success,
# failure, Ctrl-C).

set -euo pipefail

# --help (or -h) on any step's run-demo.sh: its own header comment, then stop before doing anything
for _demo_arg in "$@"; do
    if [[ "$_demo_arg" == --help || "$_demo_arg" == -h ]]; then
        sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
        echo "Knobs (environment): see the header of common/demo/demo-lib.sh (USERS, JAVA_OPTS, DEMO_APP_ARGS, ...)"
        exit 0
    fi
done
shopt -s inherit_errexit

# ---------------------------------------------------------------------------------------------
# Output

if [[ -t 1 ]]; then
    _DEMO_BOLD=$'\e[1m' _DEMO_RED=$'\e[31m' _DEMO_GREEN=$'\e[32m' _DEMO_DIM=$'\e[2m' _DEMO_OFF=$'\e[0m'
else
    _DEMO_BOLD='' _DEMO_RED='' _DEMO_GREEN='' _DEMO_DIM='' _DEMO_OFF=''
fi

demo_say()   { printf '%s==>%s %s\n' "$_DEMO_BOLD" "$_DEMO_OFF" "$*"; }
demo_ok()    { printf '    %sok%s  %s\n' "$_DEMO_GREEN" "$_DEMO_OFF" "$*"; }
demo_fail()  { printf '%sDEMO FAILED:%s %s\n' "$_DEMO_RED$_DEMO_BOLD" "$_DEMO_OFF" "$*" >&2; exit 1; }

# _demo_waiting WHAT SINCE: during a wait, one line every 2 s once it has lasted 2 s (JVM start, fan-out)
_demo_waiting() {
    local elapsed=$((SECONDS - $2))
    ((elapsed >= 2)) || _DEMO_LAST_WAIT=0
    if ((elapsed >= 2 && elapsed % 2 == 0 && elapsed != ${_DEMO_LAST_WAIT:-0})); then
        _DEMO_LAST_WAIT=$elapsed
        printf '    ... %s (%d s)\n' "$1" "$elapsed"
    fi
}

# demo_machine: the cores and the load average, and a warning when the machine is busy enough
# (load above the core count) that the timings say more about the other work than about the step.
demo_machine() {
    local cores load
    cores=$(nproc 2>/dev/null || echo 1)
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
    printf '    machine: %s cores, load average %s\n' "$cores" "$load"
    if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > c) }'; then
        printf '    %swarning:%s the machine is busy (load %s on %s cores): the timings below are distorted;\n' \
            "$_DEMO_RED" "$_DEMO_OFF" "$load" "$cores" >&2
        printf '    compare steps only within one quiet run\n' >&2
    fi
}

# demo_banner TITLE <<'EOF' ... EOF: the title, then the explanation read from stdin, then the machine.
demo_banner() {
    local line
    line=$(printf '%*s' "${#1}" '' | tr ' ' '=')
    printf '\n%s%s\n%s%s\n' "$_DEMO_BOLD" "$1" "$line" "$_DEMO_OFF"
    cat
    demo_machine
    echo
}

# demo_expect_eq WHAT ACTUAL EXPECTED: a correctness check that stops the demo when it fails.
demo_expect_eq() {
    if [[ "$2" != "$3" ]]; then
        demo_fail "$1: expected '$3', got '$2'"
    fi
    demo_ok "$1 ($2)"
}

# ---------------------------------------------------------------------------------------------
# Prerequisites and locations

for _demo_tool in curl jq java; do
    command -v "$_demo_tool" >/dev/null 2>&1 \
        || demo_fail "'$_demo_tool' is required but not installed (e.g. apt-get install $_demo_tool; java: a JDK 17+)"
done
unset _demo_tool

DEMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[[ -x "$DEMO_ROOT/mvnw" ]] || demo_fail "cannot find the repository root (no mvnw in $DEMO_ROOT)"

JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
DEMO_PARALLEL=${DEMO_PARALLEL:-8}
DEMO_START_TIMEOUT=${DEMO_START_TIMEOUT:-120}
DEMO_WARMUP=${DEMO_WARMUP:-3}
DEMO_REQUEST_TIMEOUT=${DEMO_REQUEST_TIMEOUT:-60}

DEMO_MODULE=''        # set by demo_start
DEMO_URL=''           # http://127.0.0.1:<port>
DEMO_PID=''           # the main java process this script started (it stops only what it started)
DEMO_LOG=''
DEMO_JAR=''           # the private copy of the module's jar that the processes run
DEMO_WORKER_PIDS=()   # extra worker processes started by demo_start_worker (stopped on exit too)
DEMO_TMP=$(mktemp -d "${TMPDIR:-/tmp}/twitter-demo.XXXXXX")
DEMO_RESULTS=()       # rows "label|n|median|min|max[|note]", filled by demo_time and demo_fanout_lag
DEMO_T0=$SECONDS

# ---------------------------------------------------------------------------------------------
# Application lifecycle

# _demo_stop PID...: TERM to all, then waits; graceful shutdown gets 15 s, then kill -9.
_demo_stop() {
    local pid i alive
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for ((i = 0; i < 150; i++)); do
        alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "$@"; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "    still running after 15 s: kill -9 $pid" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

_demo_cleanup() {
    local rc=$? pids=() pid
    # only the processes this script started: the main one and its extra workers
    for pid in "$DEMO_PID" "${DEMO_WORKER_PIDS[@]}"; do
        [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && pids+=("$pid")
    done
    if ((${#pids[@]})); then
        printf '%s==> stopping %s (pid %s)%s\n' "$_DEMO_DIM" "$DEMO_MODULE" "${pids[*]}" "$_DEMO_OFF" >&2
        _demo_stop "${pids[@]}"
    fi
    rm -rf "$DEMO_TMP"
    return "$rc"
}
trap _demo_cleanup EXIT
trap 'echo >&2; demo_fail "interrupted"' INT TERM

# demo_build MODULE: builds the module's jar (and what it depends on) when it is missing or REBUILD=1.
demo_build() {
    local module=$1 jar
    jar=$(_demo_jar "$module")
    if [[ -n "$jar" && "${REBUILD:-0}" != 1 ]]; then
        local newer
        # a step's jar holds common and the steps it builds on: any of their sources may be newer
        newer=$(find "$DEMO_ROOT/common/src/main" "$DEMO_ROOT"/step*/src/main "$DEMO_ROOT/pom.xml" \
            "$DEMO_ROOT/common/pom.xml" "$DEMO_ROOT"/step*/pom.xml -type f -newer "$jar" 2>/dev/null | head -n 1)
        if [[ -n "$newer" ]]; then
            printf '    %swarning:%s %s is newer than %s; run with REBUILD=1 to rebuild it\n' \
                "$_DEMO_RED" "$_DEMO_OFF" "${newer#"$DEMO_ROOT/"}" "${jar#"$DEMO_ROOT/"}" >&2
        fi
        return 0
    fi
    demo_say "building $module (./mvnw -B -q -pl $module -am package -DskipTests)"
    (cd "$DEMO_ROOT" && ./mvnw -B -q -pl "$module" -am package -DskipTests) || demo_fail "the build of $module failed"
    [[ -n "$(_demo_jar "$module")" ]] || demo_fail "the build of $module produced no jar in $module/target"
}

_demo_jar() {
    local f
    for f in "$DEMO_ROOT/$1"/target/"$1"-*-exec.jar; do # the runnable jar (the plain one is what the next step builds on)
        [[ -f "$f" ]] && { echo "$f"; return 0; }
    done
    return 0
}

# demo_start MODULE PORT [EXTRA_APP_ARGS...]: builds if needed, starts the jar in the background on
# an empty schema (--twitter.reset-on-start=true), waits until it answers HTTP, stops it on exit.
# The application trusts X-User-ID (DEMO_TRUST_USER_HEADER, default true): the demos' thousands of
# users act through that header, as in the original, rather than each logging in.
demo_start() {
    local module=$1 port=$2
    shift 2
    DEMO_MODULE=$module
    DEMO_URL="http://127.0.0.1:$port"
    DEMO_LOG="$DEMO_ROOT/$module/target/demo.log"

    demo_services "$module"
    demo_build "$module"
    if curl -s -o /dev/null --max-time 2 "$DEMO_URL/" 2>/dev/null; then
        demo_fail "something already listens on port $port; stop it first (the demo needs its own fresh $module)"
    fi

    # the processes run a private copy of the jar: a build that rewrites target/*.jar meanwhile
    # (mvn package in another terminal) would otherwise break their class loading mid-demo
    DEMO_JAR="$DEMO_TMP/$(basename "$(_demo_jar "$module")")"
    cp "$(_demo_jar "$module")" "$DEMO_JAR"
    demo_say "starting $module on port $port (java $JAVA_OPTS, log: ${DEMO_LOG#"$DEMO_ROOT/"})"
    # shellcheck disable=SC2086  # JAVA_OPTS and DEMO_APP_ARGS are lists of options
    java $JAVA_OPTS -jar "$DEMO_JAR" --server.port="$port" --twitter.reset-on-start=true \
        --twitter.auth.trust-user-header="${DEMO_TRUST_USER_HEADER:-true}" "$@" ${DEMO_APP_ARGS:-} \
        >"$DEMO_LOG" 2>&1 &
    DEMO_PID=$!

    local deadline=$((SECONDS + DEMO_START_TIMEOUT)) code
    while :; do
        if ! kill -0 "$DEMO_PID" 2>/dev/null; then
            DEMO_PID=''
            _demo_log_tail
            _demo_start_hint "$DEMO_LOG"
            demo_fail "$module exited during start-up (see the log above)"
        fi
        # any HTTP answer (here: 404 for an unknown user) means the application is up
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$DEMO_URL/api/users/1" 2>/dev/null || true)
        [[ "$code" != 000 && -n "$code" ]] && break
        if ((SECONDS >= deadline)); then
            _demo_log_tail
            demo_fail "$module did not answer on $DEMO_URL within ${DEMO_START_TIMEOUT}s (DEMO_START_TIMEOUT)"
        fi
        _demo_waiting "waiting for $module to start (JVM, migrations)" "$((deadline - DEMO_START_TIMEOUT))"
        sleep 0.3
    done
    demo_ok "$module is up (pid $DEMO_PID, $((SECONDS - DEMO_T0)) s since the demo started)"
}

_demo_log_tail() {
    local log=${1:-$DEMO_LOG}
    echo "----- last 40 lines of $log -----" >&2
    tail -n 40 "$log" >&2 || true
    echo "-----" >&2
}

# _demo_start_hint LOG: one line on the usual causes of a failed start, when the log shows one.
_demo_start_hint() {
    if grep -q 'x-consistent-hash' "$1" 2>/dev/null; then
        echo "hint: RabbitMQ lacks the consistent-hash exchange: rabbitmq-plugins enable rabbitmq_consistent_hash_exchange" >&2
    elif grep -qiE 'Connection refused|ConnectException|Connection to localhost:5432' "$1" 2>/dev/null; then
        echo "hint: is PostgreSQL on localhost:5432 (and, from step 3 on, RabbitMQ on 5672) running? see demo_services in common/demo/demo-lib.sh" >&2
    fi
}

# demo_start_api MODULE PORT [EXTRA_APP_ARGS...]: demo_start with --twitter.messaging.role=api: the
# main process serves HTTP and publishes, but consumes nothing; start workers with demo_start_worker.
demo_start_api() {
    local module=$1 port=$2
    shift 2
    demo_start "$module" "$port" --twitter.messaging.role=api "$@"
}

# demo_start_worker N [EXTRA_APP_ARGS...]: starts one more process of the module's jar (after
# demo_start) as a worker only (--twitter.messaging.role=worker: no web server), logging to
# <module>/target/demo-worker-N.log, and waits until it has started. N also gives it its own id
# node (--twitter.node-id=N+1, 1-15) so that nothing it generates can collide with the main process.
# Pass e.g. --twitter.messaging.worker-index=N to give it one queue of several. It never resets the
# schema (only the main process does) and is stopped on exit with the main process.
demo_start_worker() {
    local n=$1 log pid
    shift
    [[ -n "$DEMO_MODULE" && -n "$DEMO_PID" ]] || demo_fail "demo_start_worker: call demo_start (or demo_start_api) first"
    [[ "$n" =~ ^[0-9]+$ ]] || demo_fail "demo_start_worker: the worker number must be a number, not '$n'"
    log="$DEMO_ROOT/$DEMO_MODULE/target/demo-worker-$n.log"
    demo_say "starting $DEMO_MODULE worker $n${*:+ ($*)} (log: ${log#"$DEMO_ROOT/"})"
    # shellcheck disable=SC2086  # JAVA_OPTS and DEMO_APP_ARGS are lists of options
    java $JAVA_OPTS -jar "$DEMO_JAR" --twitter.messaging.role=worker --twitter.node-id=$(((n % 15) + 1)) "$@" \
        ${DEMO_APP_ARGS:-} >"$log" 2>&1 &
    pid=$!
    DEMO_WORKER_PIDS+=("$pid")

    # a worker has no HTTP port: it is up once Spring Boot logs "Started <Application> in ..."
    local deadline=$((SECONDS + DEMO_START_TIMEOUT))
    until grep -q 'Started [A-Za-z0-9_]* in ' "$log" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            _demo_log_tail "$log"
            _demo_start_hint "$log"
            demo_fail "$DEMO_MODULE worker $n exited during start-up (see the log above)"
        fi
        ((SECONDS < deadline)) || { _demo_log_tail "$log"; demo_fail "$DEMO_MODULE worker $n did not start within ${DEMO_START_TIMEOUT}s"; }
        _demo_waiting "waiting for worker $n to start" "$((deadline - DEMO_START_TIMEOUT))"
        sleep 0.3
    done
    demo_ok "worker $n is up (pid $pid)"
}

# ---------------------------------------------------------------------------------------------
# Services: PostgreSQL, RabbitMQ, Redis on their standard localhost ports (what the steps expect)

# _demo_service_up NAME: whether the service answers on localhost (pg_isready when installed,
# otherwise a TCP connection through bash's /dev/tcp: a fresh machine may have no client tools).
_demo_service_up() {
    local port
    case $1 in
        postgres) port=5432 ;;
        rabbitmq) port=5672 ;;
        redis) port=6379 ;;
        *) demo_fail "unknown service '$1' (known: postgres rabbitmq redis)" ;;
    esac
    if [[ $1 == postgres ]] && command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h localhost -p "$port" -t 3 >/dev/null 2>&1
    else
        timeout 3 bash -c "exec 3<>/dev/tcp/localhost/$port" >/dev/null 2>&1
    fi
}

# _demo_compose ARGS...: docker compose (the plugin), or the old standalone docker-compose.
_demo_compose() {
    if docker compose version >/dev/null 2>&1; then
        docker compose "$@"
    else
        docker-compose "$@"
    fi
}

# demo_services MODULE: makes sure that what MODULE needs answers on localhost: PostgreSQL (5432)
# always, RabbitMQ (5672) from step 3 on, Redis (6379) from step 6 on; DEMO_SERVICES="postgres
# rabbitmq" overrides the list. Missing services are started with docker compose (from the
# repository root) when a Docker engine answers; otherwise the demo stops and says how to start them.
demo_services() {
    local module=$1 need=() missing=() s step
    if [[ -n "${DEMO_SERVICES:-}" ]]; then
        read -ra need <<<"$DEMO_SERVICES"
    else
        need=(postgres)
        step=0
        [[ "$module" =~ ^step([0-9]+) ]] && step=${BASH_REMATCH[1]}
        ((step >= 3)) && need+=(rabbitmq)
        ((step >= 6)) && need+=(redis)
    fi
    for s in "${need[@]}"; do
        _demo_service_up "$s" || missing+=("$s")
    done
    if ((${#missing[@]} == 0)); then
        demo_ok "services answer on localhost: ${need[*]}"
        return 0
    fi

    local compose_ok=0
    if command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1 \
        && { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; }; then
        compose_ok=1
    fi
    if ((!compose_ok)); then
        demo_fail "not answering on localhost: ${missing[*]}, and no Docker engine (with compose) to start them. Start them:
    locally:   pg_ctlcluster \$(ls /etc/postgresql) main start        # PostgreSQL on 5432, user postgres, no password
               rabbitmq-server -detached                              # RabbitMQ on 5672, guest/guest (steps 3-6)
               rabbitmq-plugins enable rabbitmq_consistent_hash_exchange   # step 4 on
               redis-server --daemonize yes                           # Redis on 6379 (step 6)
    or Docker: cd $DEMO_ROOT && docker compose up -d"
    fi

    # only the missing ones: a local service may already hold the other ports
    local services=() log="$DEMO_ROOT/$module/target/demo-services.log"
    for s in "${missing[@]}"; do
        case $s in
            postgres) services+=(coordinator worker1 worker2 citus-register) ;; # healthy once the workers are registered
            *) services+=("$s") ;;
        esac
    done
    mkdir -p "$(dirname "$log")"
    demo_say "not answering: ${missing[*]}; starting them with docker compose (${services[*]}; log: ${log#"$DEMO_ROOT/"})"
    if ! (cd "$DEMO_ROOT" && _demo_compose up -d --wait "${services[@]}") >"$log" 2>&1; then
        _demo_log_tail "$log"
        demo_fail "docker compose up -d --wait ${services[*]} failed (see above)"
    fi
    local deadline=$((SECONDS + DEMO_START_TIMEOUT))
    for s in "${missing[@]}"; do
        until _demo_service_up "$s"; do
            ((SECONDS < deadline)) || demo_fail "docker compose started $s, but it does not answer on localhost (see ${log#"$DEMO_ROOT/"})"
            sleep 1
        done
    done
    demo_ok "services answer on localhost: ${need[*]} (started with docker compose: ${missing[*]})"
}

# demo_eventually WHAT TIMEOUT_SECONDS COMMAND...: retries COMMAND (every 0.2 s) until it succeeds;
# stops the demo if it still fails after TIMEOUT_SECONDS. For steps whose fan-out is asynchronous.
demo_eventually() {
    local what=$1 timeout=$2 t0=$SECONDS
    shift 2
    until ("$@") >/dev/null 2>&1; do    # a subshell: a demo_fail inside only fails this try
        ((SECONDS - t0 < timeout)) || demo_fail "$what: still not true after ${timeout}s"
        _demo_waiting "waiting until $what" "$t0"
        sleep 0.2
    done
    demo_ok "$what (after $((SECONDS - t0)) s)"
}

# ---------------------------------------------------------------------------------------------
# Single requests

# demo_request METHOD PATH USER_ID BODY EXPECTED_STATUS: prints the response body; stops the demo
# when the status is not EXPECTED_STATUS (a regular expression, e.g. 201 or '20[01]').
# USER_ID goes into X-User-ID ('-' for none); BODY is JSON ('-' for none).
demo_request() {
    local method=$1 path=$2 user=$3 body=$4 expect=$5 out code
    out="$DEMO_TMP/response.$BASHPID"
    local args=(-sS -X "$method" -o "$out" -w '%{http_code}' --max-time "$DEMO_REQUEST_TIMEOUT" -H 'Accept: application/json')
    [[ "$user" != - ]] && args+=(-H "X-User-ID: $user")
    [[ "$body" != - ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    code=$(curl "${args[@]}" "$DEMO_URL$path") \
        || demo_fail "$method $path: no answer from $DEMO_URL within ${DEMO_REQUEST_TIMEOUT}s (DEMO_REQUEST_TIMEOUT; see ${DEMO_LOG#"$DEMO_ROOT/"})"
    if [[ ! "$code" =~ ^($expect)$ ]]; then
        demo_fail "$method $path (X-User-ID: $user, body: $body) answered $code, expected $expect: $(cat "$out")"
    fi
    cat "$out"
}

demo_create_user() { demo_request POST /api/users/ - "{\"username\":\"$1\",\"email\":\"$1@example.com\"}" 201 | jq -r .id; }
demo_post()        { demo_request POST /api/tweets/ "$1" "$(jq -cn --arg c "$2" '{content: $c}')" 201; }
demo_follow()      { demo_request POST /api/subscriptions/follow "$1" "{\"followee_id\":$2}" '20[01]' >/dev/null; }
demo_feed()        { demo_request GET "/api/feed/?limit=${2:-20}" "$1" - 200; }

# ---------------------------------------------------------------------------------------------
# Bulk requests, in parallel

# _demo_run DIR EXPECTED_STATUS PARALLEL: sends the requests listed in DIR/requests (one per line,
# tab-separated: METHOD PATH USER_ID BODY, '-' for no user or no body) through PARALLEL curl
# processes, each sending its share one after another on one kept-alive connection. Leaves
# DIR/out.<n> (body of request n) and DIR/status (lines "n <tab> http_code <tab> time_total", by n).
# Returns 1, after showing the first failures, if any request did not answer EXPECTED_STATUS.
_demo_run() {
    local dir=$1 expect=$2 parallel=$3 n
    # request n goes to config file cfg.(n % parallel); bodies go to files (no quoting to get wrong)
    # with a 2xx expected, curl stops at the first 4xx/5xx instead of sending the rest for nothing
    local failfast=0
    [[ "$expect" == 2* ]] && failfast=1
    awk -F '\t' -v dir="$dir" -v base="$DEMO_URL" -v p="$parallel" -v ff="$failfast" -v mt="$DEMO_REQUEST_TIMEOUT" '
        {
            f = dir "/cfg." (NR % p)
            if (seen[f]++) print "next" > f
            print "url = \"" base $2 "\"" > f
            print "request = \"" $1 "\"" > f
            print "header = \"Accept: application/json\"" > f
            if ($3 != "-") print "header = \"X-User-ID: " $3 "\"" > f
            if ($4 != "-") {
                b = dir "/in." NR
                print $4 > b
                close(b)
                print "header = \"Content-Type: application/json\"" > f
                print "data-binary = \"@" b "\"" > f
            }
            if (ff) print "fail-with-body" > f
            print "max-time = " mt > f
            print "output = \"" dir "/out." NR "\"" > f
            print "write-out = \"" NR "\\t%{http_code}\\t%{time_total}\\n\"" > f
        }
        END { print NR > (dir "/count") }' "$dir/requests"
    n=$(cat "$dir/count")
    ((n > 0)) || { : >"$dir/status"; return 0; }
    # each curl writes its own status file: concurrent writers to one file could interleave lines
    local early=()
    ((failfast)) && early=(--fail-early)
    find "$dir" -name 'cfg.*' -print0 \
        | xargs -0 -P "$parallel" -I{} sh -c 'f=$1; shift; exec curl -sS "$@" -K "$f" >"$f.status"' _ {} "${early[@]}" \
            2>"$dir/curl-errors" || true
    cat "$dir"/cfg.*.status | sort -n -k1,1 >"$dir/status"
    local failed answered
    failed=$(awk -F '\t' -v e="^($expect)\$" '$2 !~ e' "$dir/status" | wc -l)
    answered=$(wc -l <"$dir/status")
    if ((failed > 0 || answered != n)); then
        head -n 3 "$dir/curl-errors" >&2 || true
        local i
        for i in $(awk -F '\t' -v e="^($expect)\$" '$2 !~ e { print $1 }' "$dir/status" | head -n 3); do
            echo "  request: $(sed -n "${i}p" "$dir/requests" | tr '\t' ' ')" >&2
            echo "  answer:  $(awk -F '\t' -v i="$i" '$1 == i { print $2 }' "$dir/status") $(cat "$dir/out.$i" 2>/dev/null || true)" >&2
        done
        echo "  $failed of $n requests answered other than $expect; $((n - answered)) got no answer at all" >&2
        return 1
    fi
}

# demo_bulk EXPECTED_STATUS: reads requests from stdin, one per line, tab-separated
#   METHOD  PATH  USER_ID('-' for none)  BODY('-' for none)
# and sends them through DEMO_PARALLEL curl processes. Prints the response bodies, one compact
# JSON per line, in input order. Stops the demo if any request does not answer EXPECTED_STATUS
# (a regular expression such as 201 or '20[01]').
demo_bulk() {
    local expect=$1 dir
    dir=$(mktemp -d "$DEMO_TMP/bulk.XXXXXX")
    cat >"$dir/requests"
    _demo_run "$dir" "$expect" "$DEMO_PARALLEL" || demo_fail "bulk requests failed (see above)"
    cut -f1 "$dir/status" | sed "s|^|$dir/out.|" | xargs -r jq -c .
    rm -rf "$dir"
}

# demo_create_users PREFIX COUNT ARRAY_NAME: creates users PREFIX1..PREFIXCOUNT in parallel and
# puts their ids, in order, into the array named ARRAY_NAME.
demo_create_users() {
    local prefix=$1 count=$2 t0=$SECONDS
    local -n _demo_ids=$3
    seq 1 "$count" \
        | awk -v p="$prefix" '{ printf "POST\t/api/users/\t-\t{\"username\":\"%s%d\",\"email\":\"%s%d@example.com\"}\n", p, $1, p, $1 }' \
        | demo_bulk 201 | jq -r .id >"$DEMO_TMP/ids"
    mapfile -t _demo_ids <"$DEMO_TMP/ids"
    ((${#_demo_ids[@]} == count)) || demo_fail "created ${#_demo_ids[@]} users, expected $count"
    demo_ok "created $count users ${prefix}1..${prefix}${count} ($((SECONDS - t0)) s)"
}

# demo_each_posts USER_ID...: every given user posts one tweet, in parallel. The new tweets' ids go
# into DEMO_POSTED, in the order of the users.
DEMO_POSTED=()
demo_each_posts() {
    local t0=$SECONDS
    printf '%s\n' "$@" \
        | awk '{ printf "POST\t/api/tweets/\t%s\t{\"content\":\"hello from user %s\"}\n", $1, $1 }' \
        | demo_bulk 201 | jq -r .id >"$DEMO_TMP/posted"
    mapfile -t DEMO_POSTED <"$DEMO_TMP/posted"
    demo_ok "$# users posted one tweet each ($((SECONDS - t0)) s)"
}

# _demo_follow_pairs: reads "FOLLOWER_ID FOLLOWEE_ID" lines and makes those follows, in parallel.
_demo_follow_pairs() {
    awk '{ printf "POST\t/api/subscriptions/follow\t%s\t{\"followee_id\":%s}\n", $1, $2 }' | demo_bulk 201 >/dev/null
}

# demo_all_follow FOLLOWEE_ID FOLLOWER_ID...: every follower follows FOLLOWEE, in parallel.
demo_all_follow() {
    local followee=$1 t0=$SECONDS
    shift
    printf "%s $followee\n" "$@" | _demo_follow_pairs
    demo_ok "$# users now follow user $followee ($((SECONDS - t0)) s)"
}

# demo_follows_all FOLLOWER_ID FOLLOWEE_ID...: FOLLOWER follows every followee, in parallel.
demo_follows_all() {
    local follower=$1 t0=$SECONDS
    shift
    printf "$follower %s\n" "$@" | _demo_follow_pairs
    demo_ok "user $follower now follows $# users ($((SECONDS - t0)) s)"
}

# ---------------------------------------------------------------------------------------------
# Timing

# demo_time LABEL N METHOD PATH USER_ID [BODY] [EXPECTED_STATUS]: sends DEMO_WARMUP untimed
# requests, then N timed ones, one at a time on one kept-alive connection (latency, not
# throughput), and records the median, min and max of curl's time_total in milliseconds for
# demo_results_table. In BODY, {i} becomes the request number (so that posted tweets differ).
# The last response body is left in DEMO_LAST_BODY. EXPECTED_STATUS defaults to 201 for POST,
# 200 otherwise.
DEMO_LAST_BODY=''
demo_time() {
    local label=$1 n=$2 method=$3 path=$4 user=$5 body=${6:--} expect=${7:-}
    if [[ -z "$expect" ]]; then
        if [[ "$method" == POST ]]; then expect=201; else expect=200; fi
    fi
    local dir i total=$((DEMO_WARMUP + n))
    dir=$(mktemp -d "$DEMO_TMP/time.XXXXXX")
    for ((i = 1; i <= total; i++)); do
        printf '%s\t%s\t%s\t%s\n' "$method" "$path" "$user" "${body//\{i\}/$i}"
    done >"$dir/requests"
    _demo_run "$dir" "$expect" 1 || demo_fail "timing '$label' failed (see above)"
    local stats
    stats=$(tail -n "$n" "$dir/status" | cut -f3 | sort -g | awk '
        { t[NR] = $1 * 1000 }
        END {
            med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%.1f|%.1f|%.1f", med, t[1], t[NR]
        }')
    DEMO_RESULTS+=("$label|$n|$stats")
    DEMO_LAST_BODY=$(cat "$dir/out.$total")
    demo_ok "$label: median ${stats%%|*} ms over $n requests (after $DEMO_WARMUP untimed)"
    rm -rf "$dir"
}

# _demo_now_us: wall-clock microseconds (bash 5's EPOCHREALTIME, whatever the locale's decimal sign).
_demo_now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

# demo_sample COUNT ID...: prints COUNT of the ids spread evenly over the list, always with the
# first and the last one (the newest follower: the one a fan-out in follower order reaches last).
demo_sample() {
    local count=$1 k
    shift
    local n=$# ids=("$@")
    ((count > n)) && count=$n
    if ((count == 1)); then
        echo "${ids[n - 1]}"
        return 0
    fi
    for ((k = 0; k < count; k++)); do
        echo "${ids[(k * (n - 1) + (count - 1) / 2) / (count - 1)]}"    # rounded k*(n-1)/(count-1)
    done
}

# _demo_await_top TWEET_ID T0_US TIMEOUT_S USER_ID...: polls GET /api/feed/?limit=1 of every user
# (in parallel rounds, one curl process per round) until each shows TWEET_ID first. Prints the
# milliseconds from T0_US to the end of the round in which the last user showed it (so the figure
# is at most one poll round above the truth), the mean round length in milliseconds, and the
# milliseconds from T0_US to the start of the last round in which some user did not show it yet
# (-1 if none: then every user showed it at the first look).
# Stops the demo after TIMEOUT_S.
_demo_await_top() {
    local tweet=$1 t0=$2 timeout=$3 dir now start round_start user round=0 deadline missed=-1
    shift 3
    local pending=("$@") total=$#
    deadline=$((SECONDS + timeout))
    dir=$(mktemp -d "$DEMO_TMP/await.XXXXXX")
    start=$(_demo_now_us)
    while :; do
        round=$((round + 1))
        round_start=$(_demo_now_us)
        rm -f "$dir"/out.*
        for user in "${pending[@]}"; do
            [[ "$user" == "${pending[0]}" ]] || echo next
            printf 'url = "%s/api/feed/?limit=1"\nheader = "Accept: application/json"\nheader = "X-User-ID: %s"\nmax-time = %s\noutput = "%s/out.%s"\n' \
                "$DEMO_URL" "$user" "$DEMO_REQUEST_TIMEOUT" "$dir" "$user"
        done >"$dir/cfg"
        curl -sS --no-progress-meter -Z --parallel-max 8 -K "$dir/cfg" 2>"$dir/curl-errors" || true
        now=$(_demo_now_us)
        # the users whose first item is the tweet (all others stay pending), with one awk, not a
        # jq per user, to keep rounds short: in a feed page the first "id" key is items[0].id
        (cd "$dir" && awk -v t="$tweet" '
            FNR == 1 { done = 0 }
            !done && match($0, /"id":[0-9]+/) {
                done = 1
                if (substr($0, RSTART + 5, RLENGTH - 5) == t) { f = FILENAME; sub(/^out\./, "", f); print f }
            }' out.* 2>/dev/null) >"$dir/seen" || true
        local -A seen=()
        while read -r user; do seen[$user]=1; done <"$dir/seen"
        local still=()
        for user in "${pending[@]}"; do [[ -n "${seen[$user]:-}" ]] || still+=("$user"); done
        pending=("${still[@]}")
        if ((${#pending[@]} == 0)); then
            echo "$(((now - t0) / 1000)) $(((now - start) / round / 1000)) $missed"
            rm -rf "$dir"
            return 0
        fi
        missed=$(((round_start - t0) / 1000))     # some follower did not show it yet at this moment
        if ((SECONDS >= deadline)); then
            user=${pending[0]}
            demo_fail "after ${timeout}s (${round} polls), ${#pending[@]} of $total followers still do not show tweet $tweet first; e.g. GET /api/feed/?limit=1 with X-User-ID: $user answered: $(cat "$dir/out.$user" 2>/dev/null || cat "$dir/curl-errors")"
        fi
    done
}

# demo_await_fanout WHAT TWEET_ID USER_ID...: waits (DEMO_LAG_TIMEOUT) until every user's feed
# shows TWEET_ID first; for asynchronous steps, before timing reads that depend on a fan-out.
demo_await_fanout() {
    local what=$1 tweet=$2 ms
    shift 2
    ms=$(_demo_await_top "$tweet" "$(_demo_now_us)" "$DEMO_LAG_TIMEOUT" "$@")
    demo_ok "$what (waited ${ms%% *} ms)"
}

# demo_fanout_lag AUTHOR_ID REPEATS FOLLOWER_ID...: measures how long a new tweet of AUTHOR takes to
# reach the feeds of their followers, REPEATS times, and records the median for demo_results_table.
# Each time: take the time, POST a tweet as AUTHOR, then poll the feeds (GET /api/feed/?limit=1) of
# DEMO_LAG_SAMPLE followers spread over the list (always with the last one) until every one shows
# the tweet first; the lag runs from just before the POST to the poll round in which the last
# sampled follower showed it. A synchronous step's lag is its POST time plus one poll round (the
# POST returns once every row is written); an asynchronous step's includes the queue and the worker.
# Tweets posted earlier (e.g. by demo_time) must have reached the followers first, so it waits for
# the author's newest tweet before the first measurement: a backlog would otherwise count as lag.
DEMO_LAG_SAMPLE=${DEMO_LAG_SAMPLE:-20}
DEMO_LAG_TIMEOUT=${DEMO_LAG_TIMEOUT:-120}
demo_fanout_lag() {
    local author=$1 repeats=$2 sample newest r t0 code tweet lag round missed post_us lags=() first_looks=0
    shift 2
    mapfile -t sample < <(demo_sample "$DEMO_LAG_SAMPLE" "$@")
    local label="fan-out lag (sampled: ${#sample[@]} of $# followers)"

    # the author's newest tweet: the first of their own feed items that is theirs
    newest=$(demo_request GET "/api/feed/?limit=100" "$author" - 200 \
        | jq -r --argjson a "$author" '[.items[] | select(.user_id == $a)][0].id // empty')
    if [[ -n "$newest" ]]; then
        demo_await_fanout "the author's earlier tweets have reached the sampled followers" "$newest" "${sample[@]}"
    fi

    for ((r = 1; r <= repeats; r++)); do
        # curl directly, everything prepared beforehand: t0 is taken just before the POST leaves
        printf '{"content":"fan-out lag probe %d of %d"}' "$r" "$repeats" >"$DEMO_TMP/lag-body"
        code=$(curl -sS -o "$DEMO_TMP/lag-response" -w '%{http_code} %{time_total}' --max-time "$DEMO_REQUEST_TIMEOUT" \
            -H 'Accept: application/json' -H 'Content-Type: application/json' -H "X-User-ID: $author" \
            --data-binary "@$DEMO_TMP/lag-body" "$DEMO_URL/api/tweets/") || code=000
        # "just before the POST" = when curl began it (curl's time_total before its return), not when
        # the shell began starting curl: process start-up is no part of the application's lag
        post_us=$(awk -v t="${code#* }" 'BEGIN { printf "%d", t * 1000000 }')
        t0=$(($(_demo_now_us) - post_us))
        code=${code%% *}
        [[ "$code" == 201 ]] || demo_fail "POST /api/tweets/ (X-User-ID: $author, body: $(cat "$DEMO_TMP/lag-body")) answered $code, expected 201: $(cat "$DEMO_TMP/lag-response" 2>/dev/null)"
        # the new tweet's id, without starting a jq: the response's first "id" key is the tweet's
        [[ "$(<"$DEMO_TMP/lag-response")" =~ \"id\":([0-9]+) ]] || demo_fail "no id in the POST's answer: $(<"$DEMO_TMP/lag-response")"
        tweet=${BASH_REMATCH[1]}
        read -r lag round missed < <(_demo_await_top "$tweet" "$t0" "$DEMO_LAG_TIMEOUT" "${sample[@]}")
        [[ -n "${lag:-}" ]] || exit 1      # _demo_await_top failed and said why
        lags+=("$lag")
        if ((missed < 0)); then
            missed="all showed it at the first look"
            first_looks=$((first_looks + 1))
        else
            missed="some did not yet at $missed ms"
        fi
        printf '    %s%d/%d: POST answered after %d ms; all %d sampled followers showed it after %d ms (%s; polled every ~%d ms)%s\n' \
            "$_DEMO_DIM" "$r" "$repeats" "$((post_us / 1000))" "${#sample[@]}" "$lag" "$missed" "$round" "$_DEMO_OFF"
    done
    local stats
    stats=$(printf '%s\n' "${lags[@]}" | sort -g | awk '
        { t[NR] = $1 }
        END {
            med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%.1f|%.1f|%.1f", med, t[1], t[NR]
        }')
    # if no look ever missed the tweet, the lag is below the poll resolution: only a bound is known
    local note=''
    if ((first_looks == repeats)); then note=upper-bound; fi
    DEMO_RESULTS+=("$label|$repeats|$stats|$note")
    DEMO_LAST_TWEET=$tweet
    if ((first_looks == repeats)); then
        demo_ok "$label: median <=${stats%%|*} ms over $repeats tweets (each time below the poll resolution)"
    else
        demo_ok "$label: median ${stats%%|*} ms over $repeats tweets"
    fi
}

# demo_results_table TITLE: prints the timings recorded by demo_time, and saves them as
# <module>/target/demo-results.tsv for comparisons across steps.
# A row whose note is "upper-bound" is printed as "<=median": the true value was below what the
# demo could resolve (demo_fanout_lag: every follower already showed the tweet at the first look).
# ---------------------------------------------------------------------------------------------
# The walkthrough every step's demo shares (the original's demo scripts): USERS fans who post a
# tweet each and all follow a celebrity, and a reader who follows all of them.

# demo_setup_walkthrough: sets FANS (array), CELEBRITY and READER.
demo_setup_walkthrough() {
    demo_say "setting up"
    demo_create_users user "$USERS" FANS
    CELEBRITY=$(demo_create_user celebrity)
    READER=$(demo_create_user reader)
    demo_each_posts "${FANS[@]}"
    demo_all_follow "$CELEBRITY" "${FANS[@]}"
    demo_follows_all "$READER" "${FANS[@]}"   # synchronous steps copy the tweets now, the others queue a backfill
}

# demo_await_reader_backfilled: asynchronous steps answer a follow at once and backfill it later, in
# the order the follows were made: wait until the reader's first page is exactly the 20 newest tweets.
demo_await_reader_backfilled() {
    NEWEST_FAN_TWEETS=$(printf '%s\n' "${DEMO_POSTED[@]}" | sort -n | tail -n 20 | sort -rn | paste -sd ' ')
    _demo_reader_page_complete() { [[ "$(demo_feed "$READER" 20 | jq -r '[.items[].id] | join(" ")')" == "$NEWEST_FAN_TWEETS" ]]; }
    demo_eventually "the reader's $USERS follows are backfilled (first page = the 20 newest tweets)" \
        "$DEMO_LAG_TIMEOUT" _demo_reader_page_complete
}

# demo_time_celebrity_post: times the celebrity's POST and checks the author reads it at once.
demo_time_celebrity_post() {
    demo_say "timing"
    demo_time "celebrity posts a tweet ($USERS followers)" 5 POST /api/tweets/ "$CELEBRITY" '{"content":"celebrity tweet {i}"}'
    demo_expect_eq "the author sees their own tweet at once (read-your-writes)" \
        "$(demo_feed "$CELEBRITY" 1 | jq -r '.items[0].id')" "$(jq -r .id <<<"$DEMO_LAST_BODY")"
}

# demo_time_feed_reads NEWEST_TWEET_ID: times the first page of a follower of the celebrity
# (FANS[0], who follows 1 user) and of the READER (who follows USERS users), and checks that the
# follower's page starts with NEWEST_TWEET_ID and the reader's is full.
demo_time_feed_reads() {
    local newest=$1
    demo_time "follower reads feed (follows 1 user)" 20 GET "/api/feed/?limit=20" "${FANS[0]}"
    demo_expect_eq "the celebrity's newest tweet tops a follower's feed" "$(jq -r '.items[0].id' <<<"$DEMO_LAST_BODY")" "$newest"
    demo_time "reader reads feed (follows $USERS users)" 20 GET "/api/feed/?limit=20" "$READER"
    demo_expect_eq "the reader's first page is full" "$(jq '.items | length' <<<"$DEMO_LAST_BODY")" 20
}

demo_results_table() {
    local title=$1 row label n med min max note shown bounded=0
    local tsv="$DEMO_ROOT/$DEMO_MODULE/target/demo-results.tsv"
    printf '\n%sResults: %s%s\n' "$_DEMO_BOLD" "$title" "$_DEMO_OFF"
    printf '%-44s %5s %11s %9s %9s\n' "operation" "n" "median ms" "min ms" "max ms"
    printf '%-44s %5s %11s %9s %9s\n' "$(printf '%.0s-' {1..44})" "-----" "---------" "------" "------"
    printf 'step\toperation\tn\tmedian_ms\tmin_ms\tmax_ms\tnote\n' >"$tsv"
    for row in "${DEMO_RESULTS[@]}"; do
        IFS='|' read -r label n med min max note <<<"$row"
        shown=$med
        if [[ "$note" == upper-bound ]]; then shown="<=$med" bounded=1; fi
        printf '%-44s %5s %11s %9s %9s\n' "$label" "$n" "$shown" "$min" "$max"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$title" "$label" "$n" "$med" "$min" "$max" "$note" >>"$tsv"
    done
    printf '%s(curl time_total, sequential requests on localhost; demo took %d s)%s\n' \
        "$_DEMO_DIM" "$((SECONDS - DEMO_T0))" "$_DEMO_OFF"
    if [[ "${DEMO_RESULTS[*]}" == *"fan-out lag"* ]]; then
        printf '%s(fan-out lag: n = tweets; from just before the POST until all sampled followers'"'"' feeds showed it\n first; found by polling in rounds, so up to one round late; synchronous steps: POST time + one round)%s\n' \
            "$_DEMO_DIM" "$_DEMO_OFF"
        if ((bounded)); then
            printf '%s(<=: every sampled follower showed it at the first look: the lag is below what the polling resolves)%s\n' \
                "$_DEMO_DIM" "$_DEMO_OFF"
        fi
    fi
    echo
}

# ---------------------------------------------------------------------------------------------
# Steps 4-6: timings of first requests, the application's own metrics, the demo's Redis database

# demo_time_each LABEL METHOD PATH USER_ID...: one timed request per user (METHOD PATH as that user,
# no body), one after another on one kept-alive connection and without warm-up requests, so that
# each is that user's first (step 6: a cold read that misses the cache and fills it). An untimed
# GET /api/users/<first user> opens the connection first. Records median, min and max like demo_time;
# the last response body is left in DEMO_LAST_BODY. Expects 200 for GET, 201 otherwise.
demo_time_each() {
    local label=$1 method=$2 path=$3 expect=200 dir user n stats
    shift 3
    n=$#
    ((n > 0)) || demo_fail "demo_time_each '$label': no users given"
    [[ "$method" == GET ]] || expect=201
    dir=$(mktemp -d "$DEMO_TMP/time.XXXXXX")
    {
        printf 'GET\t/api/users/%s\t-\t-\n' "$1"
        for user in "$@"; do printf '%s\t%s\t%s\t-\n' "$method" "$path" "$user"; done
    } >"$dir/requests"
    # the opening GET answers 200; the timed ones EXPECT
    _demo_run "$dir" "200|$expect" 1 || demo_fail "timing '$label' failed (see above)"
    awk -F '\t' -v e="^($expect)\$" 'NR > 1 && $2 !~ e { bad = 1 } END { exit bad }' "$dir/status" \
        || demo_fail "timing '$label': some requests answered other than $expect: $(awk -F '\t' 'NR > 1 { print $2 }' "$dir/status" | sort | uniq -c | paste -sd ' ')"
    stats=$(tail -n "$n" "$dir/status" | cut -f3 | sort -g | awk '
        { t[NR] = $1 * 1000 }
        END {
            med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%.1f|%.1f|%.1f", med, t[1], t[NR]
        }')
    DEMO_RESULTS+=("$label|$n|$stats")
    DEMO_LAST_BODY=$(cat "$dir/out.$((n + 1))")
    demo_ok "$label: median ${stats%%|*} ms over $n requests (each the first for its user)"
    rm -rf "$dir"
}

# demo_metrics FILE: saves the application's GET /metrics (Prometheus text, steps 5-6) in FILE.
demo_metrics() {
    curl -sS --fail-with-body --max-time "$DEMO_REQUEST_TIMEOUT" -H 'Accept: text/plain' -o "$1" "$DEMO_URL/metrics" \
        || demo_fail "GET /metrics failed: $(head -c 500 "$1" 2>/dev/null)"
}

# demo_metric FILE NAME [TEXT]: the sum over every series of metric NAME in FILE (saved by
# demo_metrics) whose line contains TEXT (e.g. a label 'queue="x"'); empty if there is none.
demo_metric() {
    awk -v n="$2" -v f="${3:-}" '
        !/^#/ { name = $0; sub(/[{ ].*/, "", name); if (name == n && index($0, f)) { s += $NF; found = 1 } }
        END { if (found) printf "%.17g\n", s }' "$1"
}

# demo_app_fanout_lag BEFORE AFTER: the application's own fan-out lag (steps 5-6: the
# twitter_fanout_lag_seconds timer: from a tweet's creation, its id's timestamp, to the commit of
# each batch of its feed rows) between two /metrics snapshots. Prints "BATCHES MEAN_MS BOUND_MS":
# batches recorded in between, their mean lag, and the histogram bucket bound within which all of
# them were ('-' if beyond the last finite bucket).
demo_app_fanout_lag() {
    awk '
        FNR == 1 { file++ }
        /^twitter_fanout_lag_seconds_(count|sum)[{ ]/ { k = $0; sub(/[{ ].*/, "", k); v[file, k] += $NF }
        /^twitter_fanout_lag_seconds_bucket[{ ]/ && match($0, /le="[^"]*"/) {
            le = substr($0, RSTART + 4, RLENGTH - 5); b[file, le] += $NF; les[le] = 1
        }
        END {
            c = v[2, "twitter_fanout_lag_seconds_count"] - v[1, "twitter_fanout_lag_seconds_count"]
            s = v[2, "twitter_fanout_lag_seconds_sum"] - v[1, "twitter_fanout_lag_seconds_sum"]
            bound = ""
            for (le in les) {
                if (le != "+Inf" && b[2, le] - b[1, le] >= c && (bound == "" || le + 0 < bound + 0)) bound = le
            }
            printf "%d %.1f %s\n", c, c ? s * 1000 / c : 0, bound == "" ? "-" : sprintf("%.1f", bound * 1000)
        }' "$1" "$2"
}

# demo_redis_flushdb DB: empties Redis database DB on localhost:6379 (step 6 keeps feeds cached in
# Redis across runs; --twitter.reset-on-start resets PostgreSQL and the queues, not Redis). Uses redis-cli when
# installed, otherwise speaks Redis' inline protocol through bash's /dev/tcp.
demo_redis_flushdb() {
    local db=$1 answer
    [[ "$db" =~ ^[0-9]+$ ]] || demo_fail "demo_redis_flushdb: a database number, not '$db'"
    if command -v redis-cli >/dev/null 2>&1; then
        answer=$(redis-cli -h localhost -p 6379 -n "$db" FLUSHDB 2>&1) || true
    else
        answer=$(timeout 5 bash -c 'exec 3<>/dev/tcp/localhost/6379 && printf "SELECT %s\r\nFLUSHDB\r\nQUIT\r\n" "$1" >&3 && cat <&3' \
            _ "$db" 2>&1 | tr -d '\r' | sed -n 2p) || true
    fi
    [[ "$answer" == OK || "$answer" == +OK ]] || demo_fail "FLUSHDB of Redis database $db on localhost:6379 failed: $answer"
    demo_ok "Redis database $db emptied (FLUSHDB)"
}
