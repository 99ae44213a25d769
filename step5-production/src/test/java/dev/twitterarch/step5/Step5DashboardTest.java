package dev.twitterarch.step5;

import java.util.function.Predicate;

import dev.twitterarch.common.testing.DashboardContract;

/** The dashboard's queries against step 5's /metrics; its cache panels are step 6's. */
class Step5DashboardTest extends DashboardContract {

    @Override
    protected Predicate<String> exports() {
        return name -> !name.startsWith("twitter_cache_");
    }
}
