#!/usr/bin/env bash
# Step 6 demo: cached timelines (Redis sorted sets) in front of feed_items, and the celebrity hybrid.
# Usage: [USERS=2000] [DEMO_REDIS_DB=6] ./run-demo.sh
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}     # bounded heap, as in step 5 (the demos' default, explicit)
source "$(dirname "${BASH_SOURCE[0]}")/../common/demo/demo-lib.sh"
USERS=${USERS:-2000}
# the demo's own Redis database (tests use 9, compare.sh 7), emptied at the start: the application
# keeps feeds cached across runs, and --twitter.reset-on-start resets only PostgreSQL
DEMO_REDIS_DB=${DEMO_REDIS_DB:-6}
COLD_READS=20
CELEBRITY_THRESHOLD=1000            # twitter.feed.celebrity-threshold's default (application.yml)

demo_banner "Step 6: cached timelines in front of feed_items, and the celebrity hybrid" <<EOF
Fan-out works as in step 5 (outbox, batches of 100, workers), and after each commit the workers
also push the tweet onto the followers' cached home timelines feed:{id} that exist: a Redis sorted
set per reader scored by tweet id, trimmed to the newest 800. feed_items in PostgreSQL stays the
truth. A read takes its page from the sorted set (a hit); a timeline that is not cached is loaded
from PostgreSQL and put into Redis (a miss), so a feed's first read costs a little more than step
5's and every following one less. Redis down means reads from PostgreSQL, never errors.
An author with more than $CELEBRITY_THRESHOLD followers is a celebrity: their tweets are not fanned
out at all (no follower rows); they are cached once, in the author's timeline:{id}, and merged
into each follower's page at read time.
We create $USERS users who each post a tweet and all follow a celebrity, plus a reader who
follows all $USERS of them, then time the celebrity's post, the lag until followers see it, cold
reads ($COLD_READS followers' first reads: misses that fill Redis) and warm reads (repeated: hits),
and show /cache/stats. Last, live delivery: a reader logged in with a token opens the WebSocket
GET /api/feed/live and receives the tweets of an author they follow as they are written, with
their delivery lag.
EOF

demo_services step6-cached      # Redis must answer before it can be emptied (demo_start checks again)
demo_redis_flushdb "$DEMO_REDIS_DB"
demo_start step6-cached 8006 --spring.data.redis.database="$DEMO_REDIS_DB"   # API, relay, dispatcher, workers

cache_stats() { demo_request GET /cache/stats - - 200; }
demo_expect_eq "GET /cache/stats: Redis answers" "$(cache_stats | jq -r .redis_up)" true

demo_setup_walkthrough

demo_await_reader_backfilled

demo_time_celebrity_post
demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"      # its polls fill the sampled followers' timelines (merged: no fan-out to wait for)
NEWEST=$DEMO_LAST_TWEET

# cold: followers whose feed nobody has read yet (not among those demo_fanout_lag polled), one read each
declare -A POLLED=()
while read -r id; do POLLED[$id]=1; done < <(demo_sample "$DEMO_LAG_SAMPLE" "${FANS[@]}")
COLD=()
for id in "${FANS[@]}"; do
    [[ -z "${POLLED[$id]:-}" ]] && COLD+=("$id")
    ((${#COLD[@]} < COLD_READS)) || break
done
STATS0=$(cache_stats)
demo_time_each "cold feed read (follower's 1st: miss, fill)" GET "/api/feed/?limit=20" "${COLD[@]}"
demo_expect_eq "the celebrity's newest tweet tops a cold follower's feed" "$(jq -r '.items[0].id' <<<"$DEMO_LAST_BODY")" "$NEWEST"
STATS1=$(cache_stats)
demo_expect_eq "cache misses during the $COLD_READS cold reads" "$(jq -n --argjson a "$STATS0" --argjson b "$STATS1" '$b.misses - $a.misses')" "$COLD_READS"

# warm: the same reads again and again (the follower's timeline was filled by the lag polls, the reader's by its first read)
demo_time_feed_reads "$NEWEST"
STATS2=$(cache_stats)
# the warm reads hit, but for a timeline dropped since its last read: a follow's backfill that was
# still running after the reader's first page was complete drops the reader's timeline (refilled at
# the next read); so at least as many hits as timed reads
WARM_HITS=$(jq -n --argjson a "$STATS1" --argjson b "$STATS2" '$b.hits - $a.hits')
if ((WARM_HITS < 2 * 20 || WARM_HITS > 2 * (DEMO_WARMUP + 20))); then
    demo_fail "cache hits during the $((2 * (DEMO_WARMUP + 20))) warm reads: expected at least the $((2 * 20)) timed ones, got $WARM_HITS"
fi
demo_ok "cache hits during the $((2 * (DEMO_WARMUP + 20))) warm reads ($WARM_HITS)"

# live delivery: a reader logged in with a password watches /api/feed/live, as the page does
LIVE_POSTS=20
if ! command -v node >/dev/null 2>&1; then
    demo_say "live delivery: skipped (no node to open a WebSocket); open http://localhost:8006/ in two browser tabs to see it"
else
    NODE_WS=()
    node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null || NODE_WS=(--experimental-websocket)
    demo_say "live delivery: a reader logs in, opens GET /api/feed/live (a WebSocket), and an author they follow posts $LIVE_POSTS tweets"
    WATCHER_NAME="watcher_$RANDOM"
    WATCHER=$(demo_request POST /api/users/ - "{\"username\":\"$WATCHER_NAME\",\"email\":\"$WATCHER_NAME@example.com\",\"password\":\"live-demo-password\"}" 201 | jq -r .id)
    TOKEN=$(demo_request POST /api/auth/login - "{\"username\":\"$WATCHER_NAME\",\"password\":\"live-demo-password\"}" 200 | jq -r .access_token)
    AUTHOR=$(demo_create_user "author_$RANDOM")
    demo_follow "$WATCHER" "$AUTHOR"
    node "${NODE_WS[@]}" "$(dirname "${BASH_SOURCE[0]}")/live-watch.mjs" "$DEMO_URL" "$TOKEN" "$LIVE_POSTS" 60 >"$DEMO_TMP/live.out" 2>&1 &
    WATCH_PID=$!
    demo_eventually "the watcher's socket is ready" 30 grep -qx ready "$DEMO_TMP/live.out"
    for i in $(seq "$LIVE_POSTS"); do demo_post "$AUTHOR" "live tweet $i" >/dev/null; done
    wait "$WATCH_PID" || demo_fail "live delivery: $(tail -n 3 "$DEMO_TMP/live.out")"
    sed -n '2,4p' "$DEMO_TMP/live.out" | sed 's/^/    /'
    echo "    ..."
    demo_ok "live delivery, $(tail -n 1 "$DEMO_TMP/live.out") (posted one after another; POST to socket, through outbox, relay, dispatcher, worker and RabbitMQ)"
fi

demo_say "GET /cache/stats (since the start; the lag polls and the set-up's reads count too)"
jq -r 'to_entries[] | "    \(.key | . + ":" + (" " * (24 - length)))\(.value)"' <<<"$STATS2"

demo_results_table "Step 6 (Redis cache)"
