package dev.twitterarch.common.db;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How every step migrates its schema at start:
 * <ul>
 *   <li>on a Citus coordinator without an active worker, it refuses to start: the migrations would
 *       put every shard on the coordinator, silently, and adding the workers later does not move
 *       them ({@link CitusWithoutWorkers}; {@code twitter.citus.allow-coordinator-only=true} allows a
 *       one-node Citus on purpose);</li>
 *   <li>with {@code twitter.reset-on-start=true} (the demos set it) the step's schema is dropped
 *       first, so every demo run begins from an empty database.</li>
 * </ul>
 */
@Component
class MigrateOnStart implements FlywayMigrationStrategy {

    private static final Logger log = LoggerFactory.getLogger(MigrateOnStart.class);

    private final boolean resetOnStart;
    private final boolean allowCoordinatorOnly;

    MigrateOnStart(@Value("${twitter.reset-on-start:false}") boolean resetOnStart,
                   @Value("${twitter.citus.allow-coordinator-only:false}") boolean allowCoordinatorOnly) {
        this.resetOnStart = resetOnStart;
        this.allowCoordinatorOnly = allowCoordinatorOnly;
    }

    @Override
    public void migrate(Flyway flyway) {
        requireCitusWorkers(flyway.getConfiguration().getDataSource());
        if (resetOnStart) {
            log.warn("twitter.reset-on-start is set: dropping everything in schema {}", flyway.getConfiguration().getDefaultSchema());
            Flyway.configure().configuration(flyway.getConfiguration()).cleanDisabled(false).load().clean();
        }
        flyway.migrate();
    }

    private void requireCitusWorkers(DataSource dataSource) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        boolean citus = Citus.installed(jdbc);
        if (!citus) {
            return;
        }
        long workers = jdbc.sql("SELECT count(*) FROM pg_dist_node WHERE groupid <> 0 AND isactive AND noderole = 'primary'")
                .query(Long.class).single();
        if (workers == 0 && !allowCoordinatorOnly) {
            throw new CitusWithoutWorkers();
        }
        log.info("Citus: the tables are distributed over {} worker node(s)", workers);
    }
}
