package dev.twitterarch.step4;

import dev.twitterarch.common.testing.CitusFeedContract;

/** Step 4 against the shared contract on a Citus cluster (skipped without one). */
class Step4CitusFeedContractTest extends CitusFeedContract {
}
