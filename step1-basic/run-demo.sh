#!/usr/bin/env bash
# Step 1 demo: the home feed is a JOIN computed at every read. Usage: [USERS=2000] ./run-demo.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/demo/demo-lib.sh"
USERS=${USERS:-2000}

demo_banner "Step 1: the feed is a JOIN at read time (pull)" <<EOF
Posting a tweet writes one row, whatever the number of followers: writes are cheap.
Reading a feed joins "whom do I follow" with their tweets, sorts, and keeps the newest 20,
at every read: the more accounts a reader follows, the more rows each read has to merge.
We create $USERS users who each post a tweet and all follow a celebrity, plus a reader who
follows all $USERS of them, then time the celebrity's post, how soon followers see it (fan-out
lag: here just the POST, as the next read's JOIN finds the committed tweet) and both feed reads.
EOF

demo_start step1-basic 8001

demo_setup_walkthrough

demo_time_celebrity_post
demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"
NEWEST=$DEMO_LAST_TWEET
demo_time_feed_reads "$NEWEST"

demo_results_table "Step 1 (JOIN on read)"
