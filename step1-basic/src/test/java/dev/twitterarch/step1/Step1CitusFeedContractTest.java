package dev.twitterarch.step1;

import dev.twitterarch.common.testing.CitusFeedContract;

/** Step 1 against the shared contract on a Citus cluster (skipped without one). */
class Step1CitusFeedContractTest extends CitusFeedContract {
}
