package dev.twitterarch.step2;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Why step 2 needs a lock: a POST's fan-out reads {@code followers} and writes feed rows; a follow's
 * backfill reads {@code tweets} and writes feed rows. Under READ COMMITTED, if the two run at once,
 * each reads the other's table before the other commits: the post misses the new follower and the
 * backfill misses the new tweet, and both commit (write skew). An unfollow racing a post leaves the
 * ex-follower a row that nothing removes. Step 2 writes its feed synchronously, so nothing repairs it.
 *
 * <p>The fix: the transactions that read one side and write feed rows take a row lock on the
 * author's (followee's) {@code users} row before they read. Posts and deletes take it shared, so
 * an author's posts never wait for each other; follows and unfollows take it exclusively, so a
 * post and a follow of the same author run one after the other, and the later one's statement sees
 * the earlier one's committed rows (each statement under READ COMMITTED reads a fresh snapshot).
 * {@code FOR NO KEY UPDATE} rather than {@code FOR UPDATE}: the follow's own foreign-key check holds
 * {@code FOR KEY SHARE} on that row, which only {@code FOR UPDATE} conflicts with, so two follows of
 * one account would deadlock on {@code FOR UPDATE}. The row is on the author's shard on Citus, so
 * the lock is a one-shard (router) statement. The cost: follows of one account are serialised with
 * each other and with that account's posts; SERIALIZABLE with retries would be the other way.
 */
@Component
class AuthorLock {

    private final JdbcClient jdbc;

    AuthorLock(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Before a post's or a delete's fan-out reads the author's followers. */
    void forPosting(long authorId) {
        lock(authorId, "FOR SHARE");
    }

    /** Before a follow's backfill or an unfollow's purge reads the followee's tweets. */
    void forFollowing(long followeeId) {
        lock(followeeId, "FOR NO KEY UPDATE");
    }

    private void lock(long userId, String mode) {
        int locked = jdbc.sql("SELECT id FROM users WHERE id = :id " + mode).param("id", userId).query(Long.class).list().size();
        Assert.state(locked == 1, () -> "user " + userId + " to lock does not exist");
    }
}
