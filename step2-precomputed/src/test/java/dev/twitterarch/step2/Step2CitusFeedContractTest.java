package dev.twitterarch.step2;

import dev.twitterarch.common.testing.CitusFeedContract;

/** Step 2 against the shared contract on a Citus cluster (skipped without one). */
class Step2CitusFeedContractTest extends CitusFeedContract {
}
