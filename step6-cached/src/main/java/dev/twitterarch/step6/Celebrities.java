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
 * <p>Two locks keep the decisions exact under concurrency, also with several API processes:
 * {@link #reconsider} locks the author's user row, so the follows and unfollows of one author
 * decide one at a time, each seeing the follows committed before it; and a POST that leaves its
 * tweet out of the fan-out because the author is a celebrity holds the author's celebrities row
 * ({@link #isCelebrityHeld}), so a demotion (a DELETE of that row) waits until that POST has
 * committed, and only then reads the followers it backfills: whatever was left out is in the
 * backfill. (A POST that comes after the DELETE waits for it, finds no row, and is fanned out.)
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
     * Whether the author is a celebrity, decided for the rest of this transaction: FOR SHARE keeps
     * the row (and so the status) until the transaction ends; a demotion waits for it.
     */
    boolean isCelebrityHeld(long authorId) {
        return jdbc.sql("SELECT user_id FROM celebrities WHERE user_id = :author FOR SHARE")
                .param("author", authorId)
                .query(Long.class)
                .optional()
                .isPresent();
    }

    /**
     * In the transaction of a follow or an unfollow: promotes or demotes the user by their follower
     * count now (this transaction's own change included). The count stops at threshold + 1: an
     * O(threshold) index scan. NO KEY UPDATE does not block the inserts that reference the user
     * (their foreign keys take KEY SHARE), only other decisions about the same user.
     */
    Status reconsider(long userId) {
        jdbc.sql("SELECT id FROM users WHERE id = :user FOR NO KEY UPDATE").param("user", userId).query(Long.class).optional();
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
            // waits for the POSTs that hold the row (isCelebrityHeld) to commit
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
