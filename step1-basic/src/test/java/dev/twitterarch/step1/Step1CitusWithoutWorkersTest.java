package dev.twitterarch.step1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.TestServices.Database;

/**
 * On a Citus coordinator that knows no worker, a step refuses to start, with Spring Boot's failure
 * report saying why and how to fix it, instead of silently putting every shard on the coordinator.
 * Needs a Citus coordinator (skipped otherwise, like the Citus contract).
 */
@ExtendWith(OutputCaptureExtension.class)
class Step1CitusWithoutWorkersTest {

    @Test
    void refusesToStartOnACoordinatorWithoutWorkers(CapturedOutput output) {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestServices.citusAvailable(), TestServices.HOW_TO_ENABLE_CITUS);
        Database database = TestServices.citusWithoutWorkers();
        SpringApplication application = new SpringApplication(Step1Application.class);
        assertThatThrownBy(() -> application.run("--server.port=0", "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.user(), "--spring.datasource.password=" + database.password()))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageContaining("no worker node is active");
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Citus coordinator without an active worker node")
                .contains("citus_add_node");
    }
}
