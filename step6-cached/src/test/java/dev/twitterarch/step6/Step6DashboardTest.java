package dev.twitterarch.step6;

import dev.twitterarch.common.testing.DashboardContract;

/** The dashboard's queries, the cache panels included, against step 6's /metrics. */
class Step6DashboardTest extends DashboardContract {
}
