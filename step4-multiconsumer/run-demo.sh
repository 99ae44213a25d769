#!/usr/bin/env bash
# Step 4 demo: one message per follower, spread over 4 worker processes by a consistent-hash
# exchange. Usage: [USERS=2000] ./run-demo.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/demo/demo-lib.sh"
USERS=${USERS:-2000}
WORKERS=4      # the application's twitter.messaging.workers: one worker process per queue

demo_banner "Step 4: one message per follower, $WORKERS worker processes (x-consistent-hash)" <<EOF
Posting a tweet works as in step 3 (the tweet and the author's own row, commit, publish one event),
but a dispatcher in the API process turns the event into one message per follower, published to
an x-consistent-hash exchange keyed by the follower's id, which spreads them over $WORKERS worker
queues. Each worker queue is consumed by its own process, as the original ran worker.py 0..3:
here the API (with the dispatcher) plus $WORKERS JVMs started with --twitter.messaging.role=worker.
Workers scale out, but a $USERS-follower tweet now costs $USERS messages and $USERS transactions (step 5 batches them).
We create $USERS users who each post a tweet and all follow a celebrity, plus a reader who
follows all $USERS of them, then time the celebrity's post, the fan-out lag and both feed reads,
and show how the workers shared the celebrity's fan-out (GET /workers/status).
EOF

demo_start_api step4-multiconsumer 8004              # API + dispatcher, consumes no worker queue
for ((i = 0; i < WORKERS; i++)); do
    demo_start_worker "$i" --twitter.messaging.worker-index="$i"
done

# GET /workers/status: per worker queue the messages handled (summed over the processes that
# consume it, each reporting about once a second) and the queue depth
workers_status() { demo_request GET /workers/status - - 200; }
total_handled() { workers_status | jq -r .total_handled; }
# handled_reaches N: whether the workers have handled at least N messages
handled_reaches() { (($(total_handled) >= $1)); }

demo_setup_walkthrough

demo_await_reader_backfilled
# one message per follow: $USERS follows of the celebrity + $USERS of the reader
demo_eventually "the workers report all $((2 * USERS)) set-up messages (one per follow) handled" \
    "$DEMO_LAG_TIMEOUT" handled_reaches $((2 * USERS))
SETUP_STATUS=$(workers_status)

demo_time_celebrity_post
demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"
NEWEST=$DEMO_LAST_TWEET

# the celebrity posted DEMO_WARMUP + 5 tweets in demo_time and 3 in demo_fanout_lag: one message
# per follower each
CELEB_TWEETS=$((DEMO_WARMUP + 5 + 3))
SETUP_TOTAL=$(jq -r .total_handled <<<"$SETUP_STATUS")
demo_eventually "the workers report the celebrity's $CELEB_TWEETS tweets x $USERS followers handled" \
    "$DEMO_LAG_TIMEOUT" handled_reaches $((SETUP_TOTAL + CELEB_TWEETS * USERS))
STATUS=$(workers_status)
demo_say "how the consistent-hash exchange spread the work (GET /workers/status)"
jq -r --argjson before "$SETUP_STATUS" --argjson celeb "$((CELEB_TWEETS * USERS))" '
    ($before.workers | map({key: (.worker | tostring), value: .handled}) | from_entries) as $b
    | ["worker", "queue", "set-up msgs", "celebrity msgs", "share", "queue depth"],
      (.workers[] | [.worker, .queue, $b[.worker | tostring], .handled - $b[.worker | tostring],
                     "\((.handled - $b[.worker | tostring]) * 1000 / $celeb | round / 10)%", .queue_depth]),
      ["all", "", $before.total_handled, .total_handled - $before.total_handled, "", ""]
    | @tsv' <<<"$STATUS" | column -t -s $'\t' | sed 's/^/    /'
echo "    (set-up: one message per follow; the reader's $USERS backfills share one key, the reader, so one queue)"
demo_expect_eq "messages handled for the celebrity's $CELEB_TWEETS tweets (one per follower)" \
    "$(jq -r --argjson s "$SETUP_TOTAL" '.total_handled - $s' <<<"$STATUS")" "$((CELEB_TWEETS * USERS))"
WORKERS_BUSY=$(jq -r --argjson before "$SETUP_STATUS" \
    '[.workers[] as $w | $w.handled - ($before.workers[] | select(.worker == $w.worker) | .handled) | select(. > 0)] | length' <<<"$STATUS")
demo_expect_eq "workers that took part in the celebrity's fan-out" "$WORKERS_BUSY" "$WORKERS"

demo_time_feed_reads "$NEWEST"

demo_results_table "Step 4 (msg per follower, $WORKERS workers)"
