package dev.twitterarch.step1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.LoggingSystem;

import dev.twitterarch.common.testing.ExpectedErrors;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.TestServices.Database;

/**
 * On a Citus coordinator that knows no worker, a step refuses to start, with Spring Boot's failure
 * report saying why and how to fix it, instead of silently putting every shard on the coordinator.
 * Needs a Citus coordinator (skipped otherwise, like the Citus contract).
 */
class Step1CitusWithoutWorkersTest {

    /** Spring Boot's failure report is logged at ERROR: what this test reads, kept off the console. */
    @RegisterExtension
    final ExpectedErrors report = ExpectedErrors.fromLoggers("org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter");

    @Test
    void refusesToStartOnACoordinatorWithoutWorkers() {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestServices.citusAvailable(), TestServices.HOW_TO_ENABLE_CITUS);
        Database database = TestServices.citusWithoutWorkers();
        SpringApplication application = new SpringApplication(Step1Application.class);
        // the first application of a JVM makes Spring Boot reset logback, which would drop the capture:
        // this one leaves logging as the test JVM has it
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        try {
            assertThatThrownBy(() -> application.run("--server.port=0", "--spring.datasource.url=" + database.url(),
                    "--spring.datasource.username=" + database.user(), "--spring.datasource.password=" + database.password()))
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause().hasMessageContaining("no worker node is active");
        } finally {
            System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
        }
        report.assertLogged("APPLICATION FAILED TO START");
        assertThat(String.join("\n", report.logged())).contains("Citus coordinator without an active worker node")
                .contains("citus_add_node");
    }
}
