package dev.twitterarch.common.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * With {@code twitter.reset-on-start=true} (the demos set it) the step's schema is dropped and
 * migrated again at start, so every demo run begins from an empty database.
 */
@Component
@ConditionalOnProperty("twitter.reset-on-start")
class DemoReset implements FlywayMigrationStrategy {

    private static final Logger log = LoggerFactory.getLogger(DemoReset.class);

    @Override
    public void migrate(org.flywaydb.core.Flyway flyway) {
        log.warn("twitter.reset-on-start is set: dropping everything in schema {}",
                flyway.getConfiguration().getDefaultSchema());
        org.flywaydb.core.Flyway.configure().configuration(flyway.getConfiguration()).cleanDisabled(false).load().clean();
        flyway.migrate();
    }
}
