package dev.twitterarch.step1;

import dev.twitterarch.common.testing.FeedContract;

/** Step 1 against the shared contract: the JOIN-on-read feed is the reference the other steps are held to. */
class Step1FeedContractTest extends FeedContract {
}
