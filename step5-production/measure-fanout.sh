#!/usr/bin/env bash
# measure-fanout.sh: how long step 5 takes, on this machine, to put one tweet into the feeds of a
# celebrity's FOLLOWERS (default 100000) followers.
#
#   step5-production/measure-fanout.sh                 # 100k followers, 3 tweets
#   FOLLOWERS=20000 TWEETS=5 step5-production/measure-fanout.sh
#
# Starts step 5 (API, relay, dispatcher and 4 workers in one JVM, port 8005) on an emptied step5
# schema (--twitter.reset-on-start=true), creates a celebrity over HTTP, writes the followers
# straight into the tables with set-based SQL (ids 1..N, far below the app's Snowflake ids, names
# f_<id>), then per tweet: times the POST, polls feed_items until every follower (and the author)
# has the tweet, and reads the app's own twitter_fanout_lag_seconds from /metrics. Stops the app on exit.
#
# Knobs: FOLLOWERS, TWEETS, PORT (8005), JAVA_OPTS (-Xmx1g), APP_ARGS (extra application arguments),
# POLL (seconds between polls, 0.05), TIMEOUT (seconds a fan-out may take, 300),
# PGHOST/PGPORT/PGUSER/PGDATABASE (127.0.0.1/5432/postgres/postgres, the app's defaults).
set -euo pipefail
cd "$(dirname "$0")/.."

FOLLOWERS=${FOLLOWERS:-100000}
TWEETS=${TWEETS:-3}
PORT=${PORT:-8005}
POLL=${POLL:-0.05}
TIMEOUT=${TIMEOUT:-300}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
APP_ARGS=${APP_ARGS:-}
JAR=step5-production/target/step5-production-0.1.0-SNAPSHOT-exec.jar
BASE="http://localhost:$PORT"
LOG=step5-production/target/measure-fanout.log
SCHEMA=step5

psql_q() { psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d "${PGDATABASE:-postgres}" \
    -v ON_ERROR_STOP=1 -qAtX "$@"; }
now_ms() { date +%s%3N; }
fail() { echo "measure-fanout: $*" >&2; exit 1; }

if curl -s -o /dev/null "$BASE/health"; then
    fail "something already answers on port $PORT; stop it or set PORT"
fi
psql_q -c 'SELECT 1' >/dev/null || fail "PostgreSQL does not answer"

if [[ ! -f $JAR ]]; then
    echo "building $JAR"
    ./mvnw -B -q -pl step5-production -am package -DskipTests
fi

APP_PID=
stop_app() {
    if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null || true
        for _ in $(seq 300); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$APP_PID" 2>/dev/null || true
    fi
}
trap stop_app EXIT
trap 'exit 130' INT TERM

echo "starting step 5 on port $PORT (log: $LOG)"
# shellcheck disable=SC2086 # JAVA_OPTS and APP_ARGS are lists of words
# it posts as the celebrity through X-User-ID: a header only a server told to trust it honours
java $JAVA_OPTS -jar "$JAR" --server.port="$PORT" --twitter.reset-on-start=true --twitter.auth.trust-user-header=true \
    $APP_ARGS >"$LOG" 2>&1 &
APP_PID=$!
for _ in $(seq 1200); do
    curl -sf -o /dev/null "$BASE/health/readiness" && break
    kill -0 "$APP_PID" 2>/dev/null || { tail -50 "$LOG" >&2; fail "the application exited"; }
    sleep 0.1
done
curl -sf -o /dev/null "$BASE/health/readiness" || fail "not ready after 120 s; see $LOG"

metric() { # metric NAME [LABEL-FILTER]: the sum of a metric's samples
    curl -sf "$BASE/metrics" | awk -v name="$1" -v filter="${2:-}" '
        $0 !~ /^#/ { split($1, parts, "{"); if (parts[1] == name && index($1, filter) > 0) sum += $NF }
        END { printf "%.6f\n", sum + 0 }'
}
lag_buckets() { # the cumulative buckets of twitter_fanout_lag_seconds: "le count" lines
    curl -sf "$BASE/metrics" | awk '/^twitter_fanout_lag_seconds_bucket/ {
        match($0, /[{,]le="[^"]*"/); le = substr($0, RSTART + 5, RLENGTH - 6); print le, $NF }'
}

name="celebrity_$(date +%s)"
CELEBRITY=$(curl -sf -X POST "$BASE/api/users/" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$name\",\"email\":\"$name@example.org\"}" | jq -r .id)
[[ $CELEBRITY =~ ^[0-9]+$ ]] || fail "could not create the celebrity"

echo "inserting $FOLLOWERS followers of $CELEBRITY with SQL"
t0=$(now_ms)
psql_q <<SQL
BEGIN;
INSERT INTO $SCHEMA.users (id, username, email)
    SELECT g, 'f_' || g, 'f_' || g || '@example.org' FROM generate_series(1, $FOLLOWERS) g;
INSERT INTO $SCHEMA.usernames (username_key, user_id) SELECT 'f_' || g, g FROM generate_series(1, $FOLLOWERS) g;
INSERT INTO $SCHEMA.followers (user_id, follower_id) SELECT $CELEBRITY, g FROM generate_series(1, $FOLLOWERS) g;
INSERT INTO $SCHEMA.following (user_id, followee_id) SELECT g, $CELEBRITY FROM generate_series(1, $FOLLOWERS) g;
COMMIT;
ANALYZE $SCHEMA.users; ANALYZE $SCHEMA.followers; ANALYZE $SCHEMA.following;
SQL
echo "  done in $(( $(now_ms) - t0 )) ms; followers_count over HTTP: $(curl -sf "$BASE/api/users/$CELEBRITY" | jq .followers_count)"

expected=$((FOLLOWERS + 1)) # every follower, and the author's own row
printf '\n%-6s %-20s %10s %14s %12s %16s %20s\n' tweet id "POST ms" "fan-out ms" "rows/s" "app lag mean s" "app lag all <= s"
for i in $(seq "$TWEETS"); do
    count_before=$(metric twitter_fanout_lag_seconds_count)
    sum_before=$(metric twitter_fanout_lag_seconds_sum)
    mapfile -t buckets_before < <(lag_buckets)

    start=$(now_ms)
    TWEET=$(curl -sf -X POST "$BASE/api/tweets/" -H 'Content-Type: application/json' -H "X-User-ID: $CELEBRITY" \
        -d "{\"content\":\"hello to my $FOLLOWERS followers, #$i\"}" | jq -r .id)
    posted=$(now_ms)
    [[ $TWEET =~ ^[0-9]+$ ]] || fail "POST /api/tweets/ failed"

    rows=0
    while ((rows < expected)); do
        rows=$(psql_q -c "SELECT count(*) FROM $SCHEMA.feed_items WHERE tweet_id = $TWEET")
        (( $(now_ms) - start < TIMEOUT * 1000 )) || fail "tweet $TWEET: $rows of $expected rows after $TIMEOUT s"
        if ((rows < expected)); then sleep "$POLL"; fi
    done
    done_at=$(now_ms)
    fanout=$((done_at - start))

    # the app's view: twitter_fanout_lag_seconds (tweet id's timestamp -> a batch committed), one sample per batch
    count_after=$(metric twitter_fanout_lag_seconds_count)
    sum_after=$(metric twitter_fanout_lag_seconds_sum)
    mapfile -t buckets_after < <(lag_buckets)
    batches=$(awk -v a="$count_after" -v b="$count_before" 'BEGIN { printf "%d", a - b }')
    mean=$(awk -v a="$sum_after" -v b="$sum_before" -v n="$batches" 'BEGIN { if (n > 0) printf "%.3f", (a - b) / n; else print "-" }')
    all_within="-"
    for j in "${!buckets_after[@]}"; do
        read -r le after <<<"${buckets_after[$j]}"
        read -r _ before <<<"${buckets_before[$j]:-$le 0}"
        if awk -v a="$after" -v b="$before" -v n="$batches" 'BEGIN { exit !(a - b >= n) }'; then all_within=$le; break; fi
    done
    rate=$(awk -v r="$FOLLOWERS" -v ms="$fanout" 'BEGIN { printf "%.0f", r * 1000 / ms }')
    printf '%-6s %-20s %10d %14d %12s %16s %20s\n' "$i" "$TWEET" $((posted - start)) "$fanout" "$rate" \
        "$mean ($batches b)" "$all_within"
done

echo
echo "worker batches: $(metric twitter_worker_batch_seconds_count | cut -d. -f1), mean $(awk -v s="$(metric twitter_worker_batch_seconds_sum)" \
    -v n="$(metric twitter_worker_batch_seconds_count)" 'BEGIN { printf "%.1f", s * 1000 / n }') ms each (commit included)"
echo "feed rows written: $(metric twitter_feed_rows_written_total | cut -d. -f1); outbox backlog now: $(metric twitter_outbox_backlog | cut -d. -f1)"
echo "fan-out ms = POST sent -> the last of the $expected feed rows visible (polled every ${POLL}s with count(*), so +-${POLL}s)"
stop_app # graceful: each consumer logs how many messages it handled, i.e. how the buckets spread over the queues
echo "messages per queue (all tweets):"
grep -o 'stopped consuming .* after [0-9]* messages' "$LOG" | sed 's/stopped consuming /  /; s/ after / /' | sort || true
