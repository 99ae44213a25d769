package dev.twitterarch.compare.seed;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.twitterarch.compare.Postgres;
import dev.twitterarch.compare.dataset.DataSetLoader;

/**
 * Copies the run's data set into one step's (freshly migrated, empty) schema with set-based SQL, in
 * one transaction: users, usernames, tweets, both sides of every follow, and for the steps that
 * precompute feeds (2-6) the feed_items their fan-out would have written: each tweet in its
 * author's feed and in every follower's, one INSERT ... SELECT. So every step starts with the same
 * feeds. Then VACUUM ANALYZE, so no step's plans or index-only scans depend on when autovacuum
 * happens to pass by.
 */
public final class StepSeeder {

    /** Step 6's {@code twitter.feed.celebrity-threshold} in this run (compare.sh passes the same to the step). */
    public static final int CELEBRITY_THRESHOLD = dev.twitterarch.compare.Knobs.integer("celebrityThreshold", 1000);

    private StepSeeder() {
    }

    public record Seeded(long users, long tweets, long follows, long feedRows, long millis) {
    }

    public static Seeded seed(Connection db, String schema, boolean feedItems) throws SQLException {
        String s = Postgres.schema(schema);
        String d = DataSetLoader.SCHEMA;
        long started = System.nanoTime();
        long users;
        long tweets;
        long follows;
        long feedRows = 0;
        db.setAutoCommit(false);
        try (Statement sql = db.createStatement()) {
            users = sql.executeUpdate("INSERT INTO " + s + ".users (id, username, email, created_at) "
                    + "SELECT id, username, email, created_at FROM " + d + ".users");
            sql.executeUpdate("INSERT INTO " + s + ".usernames (username_key, user_id) SELECT lower(username), id FROM " + d + ".users");
            tweets = sql.executeUpdate("INSERT INTO " + s + ".tweets (user_id, id, content, created_at) "
                    + "SELECT user_id, id, content, created_at FROM " + d + ".tweets");
            follows = sql.executeUpdate("INSERT INTO " + s + ".followers (user_id, follower_id, created_at) "
                    + "SELECT followee_id, follower_id, created_at FROM " + d + ".follows");
            sql.executeUpdate("INSERT INTO " + s + ".following (user_id, followee_id, created_at) "
                    + "SELECT follower_id, followee_id, created_at FROM " + d + ".follows");
            if (feedItems) {
                feedRows = sql.executeUpdate("INSERT INTO " + s + ".feed_items (user_id, tweet_id, author_id) "
                        + "SELECT t.user_id, t.id, t.user_id FROM " + s + ".tweets t "
                        + "UNION ALL "
                        + "SELECT f.follower_id, t.id, t.user_id FROM " + s + ".tweets t JOIN " + s + ".followers f ON f.user_id = t.user_id");
            }
            try (var exists = db.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, s + ".celebrities");
                try (var rs = exists.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) { // step 6: who is a celebrity, as its follows would have decided
                        sql.executeUpdate("INSERT INTO " + s + ".celebrities (user_id) SELECT user_id FROM " + s + ".followers"
                                + " GROUP BY user_id HAVING count(*) > " + CELEBRITY_THRESHOLD);
                    }
                }
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        try (Statement sql = db.createStatement()) {
            // step 1 has no feed_items table at all
            for (String table : feedItems ? new String[] {"users", "usernames", "tweets", "followers", "following", "feed_items"}
                    : new String[] {"users", "usernames", "tweets", "followers", "following"}) {
                sql.execute("VACUUM ANALYZE " + s + "." + table);
            }
        }
        return new Seeded(users, tweets, follows, feedRows, (System.nanoTime() - started) / 1_000_000);
    }
}
