package dev.twitterarch.step3;

import dev.twitterarch.common.testing.FeedContract;

/** Step 3 against the shared contract: once the queue has drained, the feed is step 1's. */
class Step3FeedContractTest extends FeedContract {
}
