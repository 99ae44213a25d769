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

demo_say "timing"
demo_time "celebrity posts a tweet ($USERS followers)" 5 POST /api/tweets/ "$CELEBRITY" '{"content":"celebrity tweet {i}"}'
demo_fanout_lag "$CELEBRITY" 3 "${FANS[@]}"
NEWEST=$DEMO_LAST_TWEET
demo_time "follower reads feed (follows 1 user)" 20 GET "/api/feed/?limit=20" "${FANS[0]}"
demo_expect_eq "the celebrity's newest tweet tops a follower's feed" "$(jq -r '.items[0].id' <<<"$DEMO_LAST_BODY")" "$NEWEST"
demo_time "reader reads feed (follows $USERS users)" 20 GET "/api/feed/?limit=20" "$READER"
demo_expect_eq "the reader's first page is full" "$(jq '.items | length' <<<"$DEMO_LAST_BODY")" 20

demo_results_table "Step 1 (JOIN on read)"
