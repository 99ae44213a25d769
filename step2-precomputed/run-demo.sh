#!/usr/bin/env bash
# Step 2 demo: feeds are precomputed when a tweet is posted. Usage: [USERS=2000] ./run-demo.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/demo/demo-lib.sh"
USERS=${USERS:-2000}

demo_banner "Step 2: feeds precomputed on write (push, synchronous)" <<EOF
Posting a tweet also writes one feed_items row per follower, in the same transaction:
the author waits until every follower's feed has the tweet, so writes grow with followers.
Reading a feed is one indexed lookup of the reader's own rows, however many accounts they follow.
We create $USERS users who each post a tweet and all follow a celebrity, plus a reader who
follows all $USERS of them, then time the celebrity's post, how soon followers see it (fan-out
lag; here the POST itself, as it returns only once every feed has the tweet) and both feed reads.
Compare with step 1: the celebrity's post gets slower, the reader's feed faster.
EOF

demo_start step2-precomputed 8002

demo_setup_walkthrough

demo_time_celebrity_post
demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"
NEWEST=$DEMO_LAST_TWEET
demo_time_feed_reads "$NEWEST"

demo_results_table "Step 2 (fan-out on write)"
