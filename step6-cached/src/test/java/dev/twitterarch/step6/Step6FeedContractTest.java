package dev.twitterarch.step6;

import dev.twitterarch.common.testing.FeedContract;

/** Step 6 against the shared contract: reads from the Redis lists give exactly step 1's feed. */
class Step6FeedContractTest extends FeedContract {
}
