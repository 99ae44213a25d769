package dev.twitterarch.compare.seed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.twitterarch.compare.Postgres;
import dev.twitterarch.compare.dataset.SnowflakeLayout;

/**
 * The storage ceiling: how fast this machine's PostgreSQL takes fan-out rows when nothing but one
 * set-based statement asks: the celebrity's whole fan-out, the same INSERT ... SELECT ... ON CONFLICT
 * DO NOTHING the steps run, into a seeded step's feed_items (primary key, foreign key and all) for a
 * scratch tweet id no one reads, committed, timed, then deleted. The best of a few tries: a ceiling.
 * Every step's fan-out rate is reported as a fraction of it.
 */
public final class StorageCeiling {

    private StorageCeiling() {
    }

    public record Measured(int rows, List<Long> micros) {

        public long bestMicros() {
            return micros.stream().mapToLong(Long::longValue).min().orElseThrow();
        }

        public double rowsPerSecond() {
            return rows * 1_000_000.0 / bestMicros();
        }
    }

    public static Measured measure(Connection db, String schema, long celebrityId, int tries) throws SQLException {
        String s = Postgres.schema(schema);
        long scratchTweet = SnowflakeLayout.id(System.currentTimeMillis(), SnowflakeLayout.SEEDER_NODE, 255);
        List<Long> micros = new ArrayList<>();
        int rows = 0;
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO " + s + ".feed_items (user_id, tweet_id, author_id) "
                + "SELECT f.follower_id, ?, f.user_id FROM " + s + ".followers f WHERE f.user_id = ? ON CONFLICT DO NOTHING");
             PreparedStatement delete = db.prepareStatement("DELETE FROM " + s + ".feed_items WHERE tweet_id = ? AND author_id = ?")) {
            for (int i = 0; i < tries + 1; i++) {
                insert.setLong(1, scratchTweet);
                insert.setLong(2, celebrityId);
                long started = System.nanoTime();
                rows = insert.executeUpdate();
                db.commit();
                long took = (System.nanoTime() - started) / 1_000;
                if (i > 0) { // the first try warms the caches
                    micros.add(took);
                }
                delete.setLong(1, scratchTweet);
                delete.setLong(2, celebrityId);
                delete.executeUpdate();
                db.commit();
            }
        } finally {
            db.setAutoCommit(true);
        }
        return new Measured(rows, micros);
    }
}
