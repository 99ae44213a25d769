package dev.twitterarch.step4;

import dev.twitterarch.common.testing.FeedContract;

/** Step 4 against the shared contract: per-follower messages over 4 workers still give step 1's feed. */
class Step4FeedContractTest extends FeedContract {
}
