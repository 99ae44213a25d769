package dev.twitterarch.compare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import dev.twitterarch.compare.dataset.DataSetFacts;

/**
 * Asks PostgreSQL how far the fan-out of a step has come, so that no simulation starts while the
 * previous one's fan-out still runs and the lag simulation knows when the last follower's row is in.
 * Only the precomputing steps (2-6) have anything to wait for; step 1 builds feeds when they are read.
 *
 * <p>The questions are asked on a thread of its own: a JDBC call must not block Gatling's threads,
 * which drive every virtual user. A count reads one snapshot, taken when it starts, so the moment
 * a count starts is the moment its answer describes.
 */
public final class FanOutProgress implements AutoCloseable {

    private final Connection db;
    private final PreparedStatement pending;
    private final PreparedStatement delivered;
    private final PreparedStatement isCelebrity;
    private final boolean celebrities;
    private final ExecutorService asker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "fan-out-progress");
        thread.setDaemon(true);
        return thread;
    });

    /** How long until no feed row was missing (or the timeout), and how many still were. */
    public record Settled(long millis, long pending) {
    }

    public FanOutProgress(Knobs knobs, String schema, DataSetFacts facts) {
        String s = Postgres.schema(schema);
        db = Postgres.connect(knobs);
        try {
            // step 6 fans out no celebrity (their tweets are merged at read): they are in its celebrities table
            try (PreparedStatement exists = db.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, s + ".celebrities");
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    celebrities = rs.getBoolean(1);
                }
            }
            String fannedOut = celebrities ? " AND t.user_id NOT IN (SELECT user_id FROM " + s + ".celebrities)" : "";
            // rows still missing: the seeded ones, plus for every tweet posted since its own row and
            // one per follower (unless the author is a celebrity of step 6), minus what is there (no
            // deletes or unfollows happen during a run)
            pending = db.prepareStatement("SELECT " + facts.seededFeedRows()
                    + " + (SELECT count(*) FROM " + s + ".tweets WHERE id > " + facts.maxSeededTweetId() + ")"
                    + " + (SELECT count(*) FROM " + s + ".tweets t JOIN " + s + ".followers f ON f.user_id = t.user_id"
                    + "    WHERE t.id > " + facts.maxSeededTweetId() + fannedOut + ")"
                    + " - (SELECT count(*) FROM " + s + ".feed_items)");
            // one tweet's follower rows, found through the author's followers (primary-key lookups); a
            // subquery, not a join: Citus refuses a join of followers and feed_items on the follower id
            // (not both tables' distribution column) but runs the subquery first and then every shard
            delivered = db.prepareStatement("SELECT count(*) FROM " + s + ".feed_items fi WHERE fi.tweet_id = ?"
                    + " AND fi.user_id IN (SELECT follower_id FROM " + s + ".followers WHERE user_id = ?)");
            isCelebrity = celebrities ? db.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + s + ".celebrities WHERE user_id = ?)") : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** False for step 6's celebrities: their tweets get no follower rows, readers merge them in. */
    public boolean fansOut(long authorId) {
        if (isCelebrity == null) {
            return true;
        }
        try {
            isCelebrity.setLong(1, authorId);
            try (ResultSet rs = isCelebrity.executeQuery()) {
                rs.next();
                return !rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("asking whether " + authorId + " is a celebrity failed: " + e.getMessage(), e);
        }
    }

    /** Feed rows that the fan-out of the tweets posted so far has yet to write; 0 when it has quiesced. */
    public long pendingRows() {
        try (ResultSet rs = pending.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("counting pending fan-out rows failed: " + e.getMessage(), e);
        }
    }

    /** How many of the author's followers have the tweet in feed_items. */
    public long deliveredTo(long tweetId, long authorId) {
        try {
            delivered.setLong(1, tweetId);
            delivered.setLong(2, authorId);
            try (ResultSet rs = delivered.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("counting delivered rows failed: " + e.getMessage(), e);
        }
    }

    /** Asks until no feed row is missing: every 100 ms for two seconds, then every 500 ms (a count costs the database too). */
    public CompletableFuture<Settled> settle(long timeoutMillis) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            while (true) {
                long askedAt = System.nanoTime();
                long pending = pendingRows();
                long millis = (askedAt - start) / 1_000_000;
                if (pending <= 0 || millis >= timeoutMillis) {
                    return new Settled(millis, pending);
                }
                LockSupport.parkNanos((millis < 2000 ? 100 : 500) * 1_000_000L);
            }
        }, asker);
    }

    /** Asks every 10 ms until all the author's followers have the tweet: milliseconds since {@code sinceNanos}, or -1 at the timeout. */
    public CompletableFuture<Long> delivered(long tweetId, long authorId, long followers, long sinceNanos, long timeoutMillis) {
        return CompletableFuture.supplyAsync(() -> {
            while (true) {
                long askedAt = System.nanoTime();
                if (deliveredTo(tweetId, authorId) >= followers) {
                    return (askedAt - sinceNanos) / 1_000_000;
                }
                if ((askedAt - sinceNanos) / 1_000_000 >= timeoutMillis) {
                    return -1L;
                }
                LockSupport.parkNanos(10_000_000L);
            }
        }, asker);
    }

    @Override
    public void close() {
        asker.shutdownNow();
        try {
            db.close();
        } catch (SQLException e) {
            // closing at exit: nothing to do about it
        }
    }
}
