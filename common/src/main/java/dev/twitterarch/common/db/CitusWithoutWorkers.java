package dev.twitterarch.common.db;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The database is a Citus coordinator that knows no active worker node. */
class CitusWithoutWorkers extends IllegalStateException {

    CitusWithoutWorkers() {
        super("the citus extension is installed but no worker node is active");
    }

    /** Says it in Spring Boot's "APPLICATION FAILED TO START" report, with the fix. */
    static class Analyzer extends AbstractFailureAnalyzer<CitusWithoutWorkers> {

        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, CitusWithoutWorkers cause) {
            return new FailureAnalysis(
                    "The database (spring.datasource.url) is a Citus coordinator without an active worker node. Migrating now"
                            + " would put every shard on the coordinator, and adding the workers later would not move them.",
                    "Register the workers first: with docker compose, wait for it (docker compose up -d --wait, or see"
                            + " docker compose logs citus-register); by hand, SELECT citus_add_node('host', port) on the coordinator."
                            + " For a one-node Citus on purpose, set twitter.citus.allow-coordinator-only=true.",
                    cause);
        }
    }
}
