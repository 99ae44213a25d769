# shellcheck shell=bash
# demo-lib.sh: what every step's run-demo.sh shares. Source it, never run it:
#
#   source "$(dirname "$0")/../common/demo/demo-lib.sh"
#   demo_start step1-basic 8001          # build if needed, start with an empty schema, stop on exit
#   demo_create_users fan 2000 FANS      # FANS=(id id ...), created in parallel
#   demo_time "feed read" 20 GET "/api/feed/?limit=20" "${FANS[0]}"
#   demo_results_table "Step 1"
#
# Knobs (environment):
#   JAVA_OPTS             JVM options, default -Xmx512m (the same for every step)
#   DEMO_APP_ARGS         extra application arguments, e.g. --logging.level.root=debug
#   DEMO_PARALLEL         parallel curl processes for the set-up, default 8
#   DEMO_WARMUP           untimed requests before each timing, default 3
#   DEMO_START_TIMEOUT    seconds to wait for the application to answer, default 120
#   DEMO_REQUEST_TIMEOUT  seconds one request may take, default 60
#   REBUILD=1             rebuild the jar even if it exists (it is built when missing)
#
# Fails fast: any HTTP status other than the expected one stops the demo with the request and the
# response body, and the application is stopped on every exit (success, failure, Ctrl-C).

set -euo pipefail
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

# demo_banner TITLE <<'EOF' ... EOF: the title, then the explanation read from stdin.
demo_banner() {
    local line
    line=$(printf '%*s' "${#1}" '' | tr ' ' '=')
    printf '\n%s%s\n%s%s\n' "$_DEMO_BOLD" "$1" "$line" "$_DEMO_OFF"
    cat
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
DEMO_PID=''           # the java process this script started (the only one it ever stops)
DEMO_LOG=''
DEMO_TMP=$(mktemp -d "${TMPDIR:-/tmp}/twitter-demo.XXXXXX")
DEMO_RESULTS=()       # rows "label|n|median|min|max", filled by demo_time
DEMO_T0=$SECONDS

# ---------------------------------------------------------------------------------------------
# Application lifecycle

_demo_cleanup() {
    local rc=$?
    if [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
        printf '%s==> stopping %s (pid %s)%s\n' "$_DEMO_DIM" "$DEMO_MODULE" "$DEMO_PID" "$_DEMO_OFF" >&2
        kill -TERM "$DEMO_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 150; i++)); do       # graceful shutdown gets 15 s, then it is killed
            kill -0 "$DEMO_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$DEMO_PID" 2>/dev/null; then
            echo "    still running after 15 s: kill -9 $DEMO_PID" >&2
            kill -KILL "$DEMO_PID" 2>/dev/null || true
        fi
        wait "$DEMO_PID" 2>/dev/null || true
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
        newer=$(find "$DEMO_ROOT/common/src/main" "$DEMO_ROOT/$module/src/main" "$DEMO_ROOT/pom.xml" \
            "$DEMO_ROOT/common/pom.xml" "$DEMO_ROOT/$module/pom.xml" -type f -newer "$jar" 2>/dev/null | head -n 1)
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
    for f in "$DEMO_ROOT/$1"/target/"$1"-*.jar; do
        [[ -f "$f" && "$f" != *-plain.jar && "$f" != *-sources.jar && "$f" != *-javadoc.jar ]] && { echo "$f"; return 0; }
    done
    return 0
}

# demo_start MODULE PORT [EXTRA_APP_ARGS...]: builds if needed, starts the jar in the background on
# an empty schema (--twitter.reset-on-start=true), waits until it answers HTTP, stops it on exit.
demo_start() {
    local module=$1 port=$2
    shift 2
    DEMO_MODULE=$module
    DEMO_URL="http://127.0.0.1:$port"
    DEMO_LOG="$DEMO_ROOT/$module/target/demo.log"

    demo_build "$module"
    if curl -s -o /dev/null --max-time 2 "$DEMO_URL/" 2>/dev/null; then
        demo_fail "something already listens on port $port; stop it first (the demo needs its own fresh $module)"
    fi

    local jar
    jar=$(_demo_jar "$module")
    demo_say "starting $module on port $port (java $JAVA_OPTS, log: ${DEMO_LOG#"$DEMO_ROOT/"})"
    # shellcheck disable=SC2086  # JAVA_OPTS and DEMO_APP_ARGS are lists of options
    java $JAVA_OPTS -jar "$jar" --server.port="$port" --twitter.reset-on-start=true "$@" ${DEMO_APP_ARGS:-} \
        >"$DEMO_LOG" 2>&1 &
    DEMO_PID=$!

    local deadline=$((SECONDS + DEMO_START_TIMEOUT)) code
    while :; do
        if ! kill -0 "$DEMO_PID" 2>/dev/null; then
            DEMO_PID=''
            _demo_log_tail
            demo_fail "$module exited during start-up (see the log above: is PostgreSQL running on 127.0.0.1:5432?)"
        fi
        # any HTTP answer (here: 404 for an unknown user) means the application is up
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$DEMO_URL/api/users/1" 2>/dev/null || true)
        [[ "$code" != 000 && -n "$code" ]] && break
        if ((SECONDS >= deadline)); then
            _demo_log_tail
            demo_fail "$module did not answer on $DEMO_URL within ${DEMO_START_TIMEOUT}s (DEMO_START_TIMEOUT)"
        fi
        sleep 0.3
    done
    demo_ok "$module is up (pid $DEMO_PID, $((SECONDS - DEMO_T0)) s since the demo started)"
}

_demo_log_tail() {
    echo "----- last 40 lines of $DEMO_LOG -----" >&2
    tail -n 40 "$DEMO_LOG" >&2 || true
    echo "-----" >&2
}

# demo_eventually WHAT TIMEOUT_SECONDS COMMAND...: retries COMMAND (every 0.2 s) until it succeeds;
# stops the demo if it still fails after TIMEOUT_SECONDS. For steps whose fan-out is asynchronous.
demo_eventually() {
    local what=$1 timeout=$2 t0=$SECONDS
    shift 2
    until ("$@") >/dev/null 2>&1; do    # a subshell: a demo_fail inside only fails this try
        ((SECONDS - t0 < timeout)) || demo_fail "$what: still not true after ${timeout}s"
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
    local args=(-sS -X "$method" -o "$out" -w '%{http_code}' -H 'Accept: application/json')
    [[ "$user" != - ]] && args+=(-H "X-User-ID: $user")
    [[ "$body" != - ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    code=$(curl "${args[@]}" "$DEMO_URL$path") || demo_fail "$method $path: curl could not reach $DEMO_URL"
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

# demo_each_posts USER_ID...: every given user posts one tweet, in parallel.
demo_each_posts() {
    local t0=$SECONDS
    printf '%s\n' "$@" \
        | awk '{ printf "POST\t/api/tweets/\t%s\t{\"content\":\"hello from user %s\"}\n", $1, $1 }' \
        | demo_bulk 201 >/dev/null
    demo_ok "$# users posted one tweet each ($((SECONDS - t0)) s)"
}

# demo_all_follow FOLLOWEE_ID FOLLOWER_ID...: every follower follows FOLLOWEE, in parallel.
demo_all_follow() {
    local followee=$1 t0=$SECONDS
    shift
    printf '%s\n' "$@" \
        | awk -v f="$followee" '{ printf "POST\t/api/subscriptions/follow\t%s\t{\"followee_id\":%s}\n", $1, f }' \
        | demo_bulk 201 >/dev/null
    demo_ok "$# users now follow user $followee ($((SECONDS - t0)) s)"
}

# demo_follows_all FOLLOWER_ID FOLLOWEE_ID...: FOLLOWER follows every followee, in parallel.
demo_follows_all() {
    local follower=$1 t0=$SECONDS
    shift
    printf '%s\n' "$@" \
        | awk -v f="$follower" '{ printf "POST\t/api/subscriptions/follow\t%s\t{\"followee_id\":%s}\n", f, $1 }' \
        | demo_bulk 201 >/dev/null
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

# demo_results_table TITLE: prints the timings recorded by demo_time, and saves them as
# <module>/target/demo-results.tsv for comparisons across steps.
demo_results_table() {
    local title=$1 row label n med min max
    local tsv="$DEMO_ROOT/$DEMO_MODULE/target/demo-results.tsv"
    printf '\n%sResults: %s%s\n' "$_DEMO_BOLD" "$title" "$_DEMO_OFF"
    printf '%-44s %5s %11s %9s %9s\n' "operation" "n" "median ms" "min ms" "max ms"
    printf '%-44s %5s %11s %9s %9s\n' "$(printf '%.0s-' {1..44})" "-----" "---------" "------" "------"
    printf 'step\toperation\tn\tmedian_ms\tmin_ms\tmax_ms\n' >"$tsv"
    for row in "${DEMO_RESULTS[@]}"; do
        IFS='|' read -r label n med min max <<<"$row"
        printf '%-44s %5s %11s %9s %9s\n' "$label" "$n" "$med" "$min" "$max"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$title" "$label" "$n" "$med" "$min" "$max" >>"$tsv"
    done
    printf '%s(curl time_total, sequential requests on localhost; demo took %d s)%s\n\n' \
        "$_DEMO_DIM" "$((SECONDS - DEMO_T0))" "$_DEMO_OFF"
}
