package dev.twitterarch.common.testing;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Registered after {@link FeedContract}'s services, so the datasource keys point at Citus (a
 * second {@code @DynamicPropertySource} method would be applied before the superclass's).
 */
@TestConfiguration(proxyBeanMethods = false)
class CitusDatabase {

    @Bean
    static DynamicPropertyRegistrar citusDatabase() {
        return registry -> {
            TestServices.registerDatabase(registry, TestServices::citus);
            // Testcontainers' image is one node, coordinator and worker at once: allowed on purpose there
            registry.add("twitter.citus.allow-coordinator-only", () -> TestServices.citus().source().startsWith("Testcontainers"));
        };
    }
}

