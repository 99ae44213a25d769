#!/usr/bin/env bash
# Step 5 demo: outbox, batched fan-out, metrics, health. Usage: [USERS=2000] ./run-demo.sh
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}     # a bounded heap is part of this step's lesson (the demos' default, explicit)
source "$(dirname "${BASH_SOURCE[0]}")/../common/demo/demo-lib.sh"
USERS=${USERS:-2000}

demo_banner "Step 5: production fan-out (outbox, batches of 100, metrics, health)" <<EOF
Posting a tweet writes the tweet, the author's own row and an outbox row in one transaction; a
relay publishes the outbox after the commit, so a crash between commit and publish loses nothing.
A dispatcher cuts the followers into batches of 100 (by bucket: follower id mod 20) and the workers
write each batch with one statement: a 2000-follower tweet is about 20 messages, not 2000.
The application measures itself at /metrics (Prometheus) and reports at /health whether it can serve;
heap, threads, connections and queue lengths are bounded.
Here API, relay, dispatcher and workers run in one process (role "both"; -Xmx from JAVA_OPTS).
We create $USERS users who each post a tweet and all follow a celebrity, plus a reader who
follows all $USERS of them, then time the celebrity's post, the fan-out lag and both feed reads,
and compare the fan-out lag we see from outside with the one the application measures itself.
EOF

demo_start step5-production 8005       # API, outbox relay, dispatcher and workers in one process

demo_expect_eq "GET /health/readiness (database, RabbitMQ)" "$(demo_request GET /health/readiness - - 200 | jq -r .status)" UP

demo_setup_walkthrough

demo_await_reader_backfilled

demo_time_celebrity_post
# the application's own fan-out lag over the same 3 tweets: /metrics before and after them
demo_fanout_lag_with_metrics() {
    local before=$DEMO_TMP/metrics.before after=$DEMO_TMP/metrics.after newest
    # the celebrity's earlier tweets first (demo_fanout_lag would wait for them, but after this snapshot)
    newest=$(demo_request GET "/api/feed/?limit=1" "$CELEBRITY" - 200 | jq -r '.items[0].id')
    demo_await_fanout "the celebrity's earlier tweets have reached every follower" "$newest" "${FANS[@]}"
    rows_settled() { demo_metrics "$1"; [[ "$(demo_metric "$1" twitter_outbox_backlog)" == 0 ]] && (($(demo_metric "$1" twitter_queue_depth) == 0)); }
    demo_eventually "the outbox and the worker queues are empty" "$DEMO_LAG_TIMEOUT" rows_settled "$before"
    demo_metrics "$before"
    demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"
    local rows0 want
    rows0=$(demo_metric "$before" twitter_feed_rows_written_total)
    want=$(awk -v a="$rows0" -v n="$((3 * USERS))" 'BEGIN { printf "%d", a + n }')
    rows_written() { demo_metrics "$1"; (($(awk '{ printf "%d", $1 }' <<<"$(demo_metric "$1" twitter_feed_rows_written_total)") >= $2)); }
    demo_eventually "the workers have written the 3 tweets' $((3 * USERS)) feed rows (twitter_feed_rows_written_total)" \
        "$DEMO_LAG_TIMEOUT" rows_written "$after" "$want"
    demo_metrics "$after"
    local batches mean bound
    read -r batches mean bound < <(demo_app_fanout_lag "$before" "$after")
    demo_ok "the application's own fan-out lag (twitter_fanout_lag_seconds, tweet created -> batch committed):"
    printf '        mean %s ms over the 3 tweets'"'"' %s batches; every batch within <= %s ms (histogram bucket)\n' \
        "$mean" "$batches" "$bound"
    printf '        %s(the demo'"'"'s figure above adds the POST, the polling rounds and curl; the app'"'"'s excludes them)%s\n' \
        "$_DEMO_DIM" "$_DEMO_OFF"
}
demo_fanout_lag_with_metrics
NEWEST=$DEMO_LAST_TWEET
demo_time_feed_reads "$NEWEST"

demo_say "what the application reports about itself (GET /metrics, GET /health/readiness)"
demo_metrics "$DEMO_TMP/metrics.end"
for m in twitter_tweets_posted_total twitter_feed_rows_written_total twitter_outbox_backlog twitter_queue_depth; do
    printf '    %-34s %s\n' "$m" "$(demo_metric "$DEMO_TMP/metrics.end" "$m" | awk '{ printf "%d", $1 }')"
done
demo_expect_eq "tweets posted (set-up $USERS + the celebrity's $((DEMO_WARMUP + 5 + 3)))" \
    "$(demo_metric "$DEMO_TMP/metrics.end" twitter_tweets_posted_total | awk '{ printf "%d", $1 }')" "$((USERS + DEMO_WARMUP + 5 + 3))"
demo_expect_eq "GET /health/readiness" "$(demo_request GET /health/readiness - - 200 | jq -r .status)" UP

demo_results_table "Step 5 (outbox + batches of 100)"
