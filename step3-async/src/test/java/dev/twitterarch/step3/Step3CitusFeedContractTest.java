package dev.twitterarch.step3;

import dev.twitterarch.common.testing.CitusFeedContract;

/** Step 3 against the shared contract on a Citus cluster (skipped without one). */
class Step3CitusFeedContractTest extends CitusFeedContract {
}
