package dev.twitterarch.compare.chaos;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.twitterarch.compare.Postgres;

/**
 * Asks PostgreSQL, directly (never through a scenario's proxy), whether the tweets of a scenario
 * reached exactly their readers: the author and every follower, one feed row each, and nobody
 * else. Every post of a scenario carries a marker in its content, so the tweets stored although
 * their post was not acknowledged are found too.
 *
 * <p>Step 6 fans out no celebrity (its {@code celebrities} table): a celebrity's tweet has its
 * author's row only, and followers merge it in at read time, which the suite checks through the
 * API ({@link Chaos}). Step 1 has no feed rows at all: only whether the tweets are stored.
 *
 * <p>Every lookup of a feed row names its reader ({@code feed_items}' primary key is
 * (user_id, tweet_id)); only the stray count reads the rows of the scenario's tweets by tweet id,
 * once, at the end.
 */
final class FeedCheck {

    /** The final count, in rows (see {@link Figures}). */
    record Result(long lostTweets, long lost, long duplicate, long stray, long unacknowledgedStored, long orphaned, long declared) {
    }

    private final Connection db;
    private final String s;
    private final boolean feedItems;
    private final boolean celebrities;

    FeedCheck(Connection db, String schema) throws SQLException {
        this.db = db;
        this.s = Postgres.schema(schema);
        this.feedItems = exists(s + ".feed_items");
        this.celebrities = exists(s + ".celebrities");
    }

    boolean hasFeedItems() {
        return feedItems;
    }

    /** The tweets, among {@code tweets} (id to author), that have every feed row they should have now. */
    Set<Long> complete(Map<Long, Long> tweets) throws SQLException {
        Set<Long> done = new HashSet<>();
        if (tweets.isEmpty()) {
            return done;
        }
        if (!feedItems) { // step 1: stored is delivered (its feed is a JOIN at read time)
            try (PreparedStatement q = db.prepareStatement("SELECT a.id FROM unnest(?::bigint[], ?::bigint[]) AS a(id, author)"
                    + " WHERE EXISTS (SELECT 1 FROM " + s + ".tweets t WHERE t.user_id = a.author AND t.id = a.id)")) {
                return collect(q, tweets, done);
            }
        }
        String fansOut = celebrities ? "NOT EXISTS (SELECT 1 FROM " + s + ".celebrities c WHERE c.user_id = a.author)" : "true";
        try (PreparedStatement q = db.prepareStatement("SELECT a.id FROM unnest(?::bigint[], ?::bigint[]) AS a(id, author)"
                + " WHERE EXISTS (SELECT 1 FROM " + s + ".feed_items fi WHERE fi.user_id = a.author AND fi.tweet_id = a.id)"
                + " AND (NOT " + fansOut + " OR (SELECT count(*) FROM " + s + ".followers fo JOIN " + s + ".feed_items fi"
                + "      ON fi.user_id = fo.follower_id AND fi.tweet_id = a.id WHERE fo.user_id = a.author)"
                + "    = (SELECT count(*) FROM " + s + ".followers fo WHERE fo.user_id = a.author))")) {
            return collect(q, tweets, done);
        }
    }

    private Set<Long> collect(PreparedStatement q, Map<Long, Long> tweets, Set<Long> done) throws SQLException {
        List<Long> ids = new ArrayList<>(tweets.keySet());
        List<Long> authors = ids.stream().map(tweets::get).toList();
        q.setArray(1, array(ids));
        q.setArray(2, array(authors));
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                done.add(rs.getLong(1));
            }
        }
        return done;
    }

    /** Celebrity authors (step 6) among {@code authors}: their tweets reach followers at read time. */
    Set<Long> celebritiesAmong(Set<Long> authors) throws SQLException {
        Set<Long> found = new HashSet<>();
        if (!celebrities || authors.isEmpty()) {
            return found;
        }
        try (PreparedStatement q = db.prepareStatement("SELECT user_id FROM " + s + ".celebrities WHERE user_id = ANY (?::bigint[])")) {
            q.setArray(1, array(new ArrayList<>(authors)));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getLong(1));
                }
            }
        }
        return found;
    }

    Result check(Map<Long, Long> acknowledged, String marker) throws SQLException {
        return check(acknowledged, marker, Set.of());
    }

    /**
     * The final count over the acknowledged tweets ({@code acknowledged}: id to author) and the
     * tweets whose content starts with {@code marker} (every post of the scenario). The missing
     * rows of the tweets in {@code declaredLost} (the step itself counted and logged their fan-out
     * as lost: steps 3 and 4 without an outbox) are counted apart, as declared.
     */
    Result check(Map<Long, Long> acknowledged, String marker, Set<Long> declaredLost) throws SQLException {
        try (Statement sql = db.createStatement()) {
            sql.execute("CREATE TEMP TABLE IF NOT EXISTS chaos_checked (tweet_id bigint PRIMARY KEY, author_id bigint NOT NULL,"
                    + " acknowledged boolean NOT NULL, celebrity boolean NOT NULL DEFAULT false, declared boolean NOT NULL DEFAULT false)");
            sql.execute("TRUNCATE chaos_checked");
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO chaos_checked (tweet_id, author_id, acknowledged)"
                + " SELECT id, author, true FROM unnest(?::bigint[], ?::bigint[]) AS a(id, author)")) {
            List<Long> ids = new ArrayList<>(acknowledged.keySet());
            insert.setArray(1, array(ids));
            insert.setArray(2, array(ids.stream().map(acknowledged::get).toList()));
            insert.executeUpdate();
        }
        long duplicate;
        try (PreparedStatement stored = db.prepareStatement("INSERT INTO chaos_checked (tweet_id, author_id, acknowledged)"
                + " SELECT id, user_id, false FROM " + s + ".tweets WHERE content LIKE ? ON CONFLICT (tweet_id) DO NOTHING");
             PreparedStatement twice = db.prepareStatement("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM "
                     + s + ".tweets WHERE content LIKE ? GROUP BY content HAVING count(*) > 1) d")) {
            String like = like(marker);
            stored.setString(1, like);
            stored.executeUpdate();
            twice.setString(1, like);
            duplicate = single(twice);
        }
        try (Statement sql = db.createStatement()) {
            if (celebrities) {
                sql.execute("UPDATE chaos_checked c SET celebrity = true FROM " + s + ".celebrities x WHERE x.user_id = c.author_id");
            }
        }
        try (PreparedStatement declare = db.prepareStatement("UPDATE chaos_checked SET declared = true WHERE tweet_id = ANY (?::bigint[])")) {
            declare.setArray(1, array(new ArrayList<>(declaredLost)));
            declare.executeUpdate();
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("ANALYZE chaos_checked");
            long lostTweets = single(sql, "SELECT count(*) FROM chaos_checked c WHERE c.acknowledged AND NOT EXISTS"
                    + " (SELECT 1 FROM " + s + ".tweets t WHERE t.user_id = c.author_id AND t.id = c.tweet_id)");
            long unacknowledgedStored = single(sql, "SELECT count(*) FROM chaos_checked WHERE NOT acknowledged");
            if (!feedItems) {
                return new Result(lostTweets, lostTweets, duplicate, 0, unacknowledgedStored, 0, 0);
            }
            String expected = "(SELECT tweet_id, author_id AS reader, acknowledged, declared FROM chaos_checked"
                    + " UNION ALL SELECT c.tweet_id, fo.follower_id, c.acknowledged, c.declared FROM chaos_checked c JOIN " + s
                    + ".followers fo ON fo.user_id = c.author_id WHERE NOT c.celebrity) e";
            String missing = " AND NOT EXISTS (SELECT 1 FROM " + s + ".feed_items fi WHERE fi.user_id = e.reader AND fi.tweet_id = e.tweet_id)";
            long lost = single(sql, "SELECT count(*) FROM " + expected + " WHERE e.acknowledged AND NOT e.declared" + missing);
            long orphaned = single(sql, "SELECT count(*) FROM " + expected + " WHERE NOT e.acknowledged AND NOT e.declared" + missing);
            long declared = single(sql, "SELECT count(*) FROM " + expected + " WHERE e.declared" + missing);
            // (user_id, tweet_id) is feed_items' primary key, so this is 0 unless that changes
            duplicate += single(sql, "SELECT count(*) - count(DISTINCT (fi.user_id, fi.tweet_id)) FROM " + s
                    + ".feed_items fi JOIN chaos_checked c ON c.tweet_id = fi.tweet_id");
            long stray = single(sql, "SELECT count(*) FROM " + s + ".feed_items fi JOIN chaos_checked c ON c.tweet_id = fi.tweet_id"
                    + " WHERE fi.user_id <> c.author_id AND NOT EXISTS (SELECT 1 FROM " + s
                    + ".followers fo WHERE fo.user_id = c.author_id AND fo.follower_id = fi.user_id)");
            return new Result(lostTweets, lost, duplicate, stray, unacknowledgedStored, orphaned, declared);
        }
    }

    /** A LIKE pattern for content that starts with {@code marker}. */
    static String like(String marker) {
        return marker.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private boolean exists(String table) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private Array array(List<Long> values) throws SQLException {
        return db.createArrayOf("bigint", values.toArray());
    }

    private static long single(PreparedStatement q) throws SQLException {
        try (ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long single(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
