package dev.twitterarch.step5;

import dev.twitterarch.common.testing.CitusFeedContract;

/** Step 5 against the shared contract on a Citus cluster (skipped without one). */
class Step5CitusFeedContractTest extends CitusFeedContract {
}
