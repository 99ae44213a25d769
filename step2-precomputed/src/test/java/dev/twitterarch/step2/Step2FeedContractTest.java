package dev.twitterarch.step2;

import dev.twitterarch.common.testing.FeedContract;

/** Step 2 against the shared contract: precomputed feed rows must give exactly step 1's feed. */
class Step2FeedContractTest extends FeedContract {
}
