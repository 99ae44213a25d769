package dev.twitterarch.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** --help and the check of twitter.* names, against the configuration metadata common's build writes. */
class TwitterApplicationTest {

    private static void check(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", properties));
        new TwitterApplication.UnknownPropertyCheck().onApplicationEvent(
                new ApplicationEnvironmentPreparedEvent(null, new SpringApplication(), new String[0], environment));
    }

    @Test
    void knownNamesPassInAnyOfSpringsForms() {
        assertThatNoException().isThrownBy(() -> check(Map.of("twitter.messaging.workers", "4",
                "twitter.messaging.workerIndex", "1", "twitter.reset-on-start", "true", "twitter.citus.allow-coordinator-only", "true")));
    }

    @Test
    void aMisspeltNameFailsWithTheValidOnes() {
        assertThatThrownBy(() -> check(Map.of("twitter.messaging.wokers", "4")))
                .isInstanceOfSatisfying(TwitterApplication.UnknownProperties.class, unknown -> {
                    FailureAnalysis analysis = new TwitterApplication.UnknownProperties.Analyzer().analyze(unknown);
                    assertThat(analysis.getDescription()).contains("twitter.messaging.wokers");
                    assertThat(analysis.getAction()).contains("twitter.messaging.workers", "--help");
                });
    }

    @Test
    void helpListsTheTwitterPropertiesWithTheirDefaults() {
        assertThat(TwitterApplication.help(TwitterApplicationTest.class))
                .contains("--twitter.messaging.role", "--twitter.node-id", "--twitter.citus.allow-coordinator-only (default false)");
    }
}
