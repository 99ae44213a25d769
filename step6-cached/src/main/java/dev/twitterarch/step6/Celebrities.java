package dev.twitterarch.step6;

import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.TweetRef;

/**
 * Who is a celebrity (the {@code celebrities} table), and their tweets, in PostgreSQL. An author
 * is one while more than {@code threshold} users follow them; the status is decided again in the
 * transaction of each follow and unfollow of the author ({@link #reconsider}, from {@link HybridFanOut}).
 *
 * <p>One lock per author keeps the decisions exact under concurrency, also with several API
 * processes: a transaction-scoped advisory lock named after the author. {@link #reconsider} takes
 * it exclusively, so the follows and unfollows of one author decide one at a time, each seeing the
 * follows committed before it; a POST takes it shared before it asks whether its author is a
 * celebrity ({@link #isCelebrityHeld}), so a demotion waits until that POST has committed, and only
 * then reads the followers it backfills: whatever was left out is in the backfill. (A POST that
 * comes after the demotion waits for it, finds no row, and is fanned out.) Why an advisory lock
 * and not row locks on users and celebrities, as step 2 explains too: on Citus a row lock on a
 * distributed table is released when its worker commits, before the other workers have, and a
 * row lock on the celebrities reference table locks its shard on every node, which deadlocked
 * concurrent posts and follows (the Citus run of the concurrent contract test). The coordinator
 * releases an advisory lock only after every worker has committed.
 */
class Celebrities {

    /** What a follow or an unfollow did to the author's status. */
    record Status(boolean celebrity, boolean changed) {
    }

    private final JdbcClient jdbc;
    private final int threshold;

    Celebrities(JdbcClient jdbc, CelebritySettings settings) {
        this.jdbc = jdbc;
        this.threshold = settings.celebrityThreshold();
    }

    int threshold() {
        return threshold;
    }

    /**
     * Whether the author is a celebrity, decided for the rest of this transaction: the shared lock keeps
     * the row (and so the status) until the transaction ends; a demotion waits for it.
     */
    boolean isCelebrityHeld(long authorId) {
        jdbc.sql("SELECT pg_advisory_xact_lock_shared(:author)").param("author", authorId).query().singleRow();
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM celebrities WHERE user_id = :author)")
                .param("author", authorId)
                .query(Boolean.class)
                .single();
    }

    /**
     * In the transaction of a follow or an unfollow: promotes or demotes the user by their follower
     * count now (this transaction's own change included). The count stops at threshold + 1: an
     * O(threshold) index scan. The exclusive lock waits for the POSTs that hold it shared.
     */
    Status reconsider(long userId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(:user)").param("user", userId).query().singleRow();
        long followers = jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM followers WHERE user_id = :user LIMIT :cap) f")
                .param("user", userId)
                .param("cap", threshold + 1)
                .query(Long.class)
                .single();
        boolean celebrity = jdbc.sql("SELECT EXISTS (SELECT 1 FROM celebrities WHERE user_id = :user)")
                .param("user", userId)
                .query(Boolean.class)
                .single();
        boolean should = followers > threshold;
        if (should == celebrity) {
            return new Status(celebrity, false);
        }
        if (should) {
            jdbc.sql("INSERT INTO celebrities (user_id) VALUES (:user) ON CONFLICT DO NOTHING").param("user", userId).update();
        } else {
            jdbc.sql("DELETE FROM celebrities WHERE user_id = :user").param("user", userId).update();
        }
        return new Status(should, true);
    }

    /** The celebrities this user follows: the timelines a page of their feed merges. */
    List<Long> followedBy(long userId) {
        return jdbc.sql("""
                        SELECT fo.followee_id FROM following fo JOIN celebrities c ON c.user_id = fo.followee_id
                        WHERE fo.user_id = :user ORDER BY fo.followee_id""")
                .param("user", userId)
                .query(Long.class)
                .list();
    }

    /** Which of these users follow the author now (live delivery of a celebrity's tweet): one lookup in the author's shard. */
    List<Long> followersAmong(long authorId, Collection<Long> userIds) {
        return jdbc.sql("SELECT follower_id FROM followers WHERE user_id = :author AND follower_id IN (:users)")
                .param("author", authorId)
                .param("users", userIds)
                .query(Long.class)
                .list();
    }

    /** An author's own tweets older than the cursor, newest first: one backward scan of tweets' primary key. */
    List<TweetRef> tweetsOf(long authorId, FeedCursor cursor, int limit) {
        return tweetsOf(List.of(authorId), cursor, limit);
    }

    /** The newest tweets of these authors together, older than the cursor. */
    List<TweetRef> tweetsOf(Collection<Long> authorIds, FeedCursor cursor, int limit) {
        return jdbc.sql("""
                        SELECT id AS tweet_id, user_id AS author_id FROM tweets
                        WHERE user_id IN (:authors) AND id < :before
                        ORDER BY id DESC LIMIT :limit""")
                .param("authors", authorIds)
                .param("before", cursor.before())
                .param("limit", limit)
                .query(TweetRef.class)
                .list();
    }

    List<Long> all() {
        return jdbc.sql("SELECT user_id FROM celebrities ORDER BY user_id").query(Long.class).list();
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM celebrities").query(Long.class).single();
    }
}
