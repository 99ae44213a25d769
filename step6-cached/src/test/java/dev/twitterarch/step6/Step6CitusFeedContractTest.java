package dev.twitterarch.step6;

import dev.twitterarch.common.testing.CitusFeedContract;

/** Step 6 against the shared contract on a Citus cluster (skipped without one). */
class Step6CitusFeedContractTest extends CitusFeedContract {
}
