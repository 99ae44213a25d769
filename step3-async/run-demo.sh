#!/usr/bin/env bash
# Step 3 demo: fan-out through RabbitMQ, one worker. Usage: [USERS=2000] ./run-demo.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/demo/demo-lib.sh"
USERS=${USERS:-2000}

demo_banner "Step 3: fan-out on write, asynchronous (RabbitMQ, one worker)" <<EOF
Posting a tweet writes the tweet and the author's own feed row, commits, then publishes a
message; a worker (here inside the same process) writes the followers' feed rows later.
So the POST no longer grows with the follower count, but followers see the tweet after a lag
(queue + worker), which we measure. Follows are backfilled by the worker the same way.
The catch: a crash between the commit and the publish loses that fan-out (step 5's outbox fixes it).
We create $USERS users who each post a tweet and all follow a celebrity, plus a reader who
follows all $USERS of them, then time the celebrity's post, the fan-out lag and both feed reads.
Compare with step 2: the celebrity's post is fast again, reads stay as fast as step 2's.
EOF

demo_start step3-async 8003       # API and worker in one process (the default role, "both")

demo_setup_walkthrough

demo_await_reader_backfilled

demo_time_celebrity_post
demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"
NEWEST=$DEMO_LAST_TWEET
demo_time_feed_reads "$NEWEST"

demo_results_table "Step 3 (async fan-out, 1 worker)"
