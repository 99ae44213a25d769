package dev.twitterarch.step2;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Why step 2 needs a lock: a POST's fan-out reads {@code followers} and writes feed rows; a follow's
 * backfill reads {@code tweets} and writes feed rows. Under READ COMMITTED, if the two run at once,
 * each reads the other's table before the other commits: the post misses the new follower and the
 * backfill misses the new tweet, and both commit (write skew). An unfollow racing a post leaves the
 * ex-follower a row that nothing removes. Step 2 writes its feed synchronously, so nothing repairs it.
 *
 * <p>The fix: the transactions that read one side and write feed rows take a lock named after the
 * author (followee) before they read. Posts and deletes take it shared, so an author's posts never
 * wait for each other; follows and unfollows take it exclusively, so a post and a follow of the
 * same author run one after the other, and the later one's statements see the earlier one's
 * committed rows (each statement under READ COMMITTED reads a fresh snapshot).
 *
 * <p>Why a transaction-scoped advisory lock and not a row lock on the author's {@code users} row:
 * on Citus a row lock lives on the worker holding that row, and is released when that worker
 * commits its part of the two-phase commit, while the feed rows on other workers may still be
 * only prepared (invisible): the contract test saw the unfollow's purge miss such a row. An
 * advisory lock is taken on the coordinator, which releases it only after every worker has
 * committed. On plain PostgreSQL it behaves like the row lock would. The cost: follows of one
 * account queue behind each other and behind that account's posts; SERIALIZABLE with retries
 * would be the other way (and Citus does not offer it across nodes).
 */
@Component
class AuthorLock {

    private final JdbcClient jdbc;

    AuthorLock(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Before a post's or a delete's fan-out reads the author's followers. */
    void forPosting(long authorId) {
        jdbc.sql("SELECT pg_advisory_xact_lock_shared(:id)").param("id", authorId).query().singleRow();
    }

    /** Before a follow's backfill or an unfollow's purge reads the followee's tweets. */
    void forFollowing(long followeeId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(:id)").param("id", followeeId).query().singleRow();
    }
}
