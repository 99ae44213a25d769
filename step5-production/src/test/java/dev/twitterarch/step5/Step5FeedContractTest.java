package dev.twitterarch.step5;

import dev.twitterarch.common.testing.FeedContract;

/** Step 5 against the shared contract: outbox, batches and buckets still give step 1's feed. */
class Step5FeedContractTest extends FeedContract {
}
