package dev.twitterarch.common.feed;

import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.twitterarch.common.tweet.Tweet;

/**
 * The precomputed home feed, {@code feed_items}: one row per (reader, tweet), read back with one
 * index range scan. Every write is one set-based statement and idempotent ({@code ON CONFLICT DO
 * NOTHING}, or a delete), so the steps that run these from a queue can safely run one twice.
 * Steps 2-6 differ in when and where they call these, not in the SQL (except step 2's own
 * fan-out statement, which may skip the checks below because it runs in the tweet's transaction).
 */
@Repository
public class FeedItemStore {

    private final JdbcClient jdbc;

    FeedItemStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The author's own entry: written at once in every step, so authors read their own writes. */
    public int insertOwn(Tweet tweet) {
        return deliver(tweet.userId(), tweet.userId(), tweet.id());
    }

    /** One reader's entry for one tweet, if the tweet still exists (step 4 writes feeds this way, row by row). */
    public int deliver(long readerId, long authorId, long tweetId) {
        return jdbc.sql("""
                        INSERT INTO feed_items (user_id, tweet_id, author_id)
                        SELECT :reader, t.id, t.user_id FROM tweets t WHERE t.user_id = :author AND t.id = :tweet
                        ON CONFLICT DO NOTHING""")
                .param("reader", readerId)
                .param("author", authorId)
                .param("tweet", tweetId)
                .update();
    }

    /**
     * Fan-out on write: one row for each current follower of the author, in one statement. The cost of
     * posting grows with the follower count. (On Citus this INSERT ... SELECT reads the author's shard
     * of followers, pulls the rows to the coordinator and copies them to the followers' shards, over a
     * connection per shard: fine for a queue's worker, too slow inside a POST; see step 2's README.)
     */
    public int fanOutToFollowers(long authorId, long tweetId) {
        // the JOIN on tweets: a queued fan-out that runs after the tweet was deleted must not bring it back
        return jdbc.sql("""
                        INSERT INTO feed_items (user_id, tweet_id, author_id)
                        SELECT f.follower_id, t.id, t.user_id
                        FROM tweets t JOIN followers f ON f.user_id = t.user_id
                        WHERE t.user_id = :author AND t.id = :tweet
                        ON CONFLICT DO NOTHING""")
                .param("author", authorId)
                .param("tweet", tweetId)
                .update();
    }

    /**
     * Fan-out of one batch of followers (step 5 on): one multi-row statement for up to a hundred
     * followers (on Citus all in one shard of feed_items, see step 5's FollowerBuckets), written only for those who still follow the author and only while the tweet exists.
     */
    public int fanOutToFollowers(long authorId, long tweetId, Collection<Long> followerIds) {
        // RETURNING counts the rows inserted: on Citus the update count of this INSERT ... SELECT is
        // the rows selected, conflicts included, so a redelivered batch would count twice
        return jdbc.sql("""
                        INSERT INTO feed_items (user_id, tweet_id, author_id)
                        SELECT f.follower_id, t.id, t.user_id
                        FROM tweets t JOIN followers f ON f.user_id = t.user_id
                        WHERE t.user_id = :author AND t.id = :tweet AND f.follower_id IN (:followers)
                        ON CONFLICT DO NOTHING
                        RETURNING user_id""")
                .param("author", authorId)
                .param("tweet", tweetId)
                .param("followers", followerIds)
                .query(Long.class)
                .list()
                .size();
    }

    /** A deleted tweet leaves one batch of feeds in one statement. */
    public int removeFromFeeds(long tweetId, Collection<Long> readerIds) {
        return jdbc.sql("DELETE FROM feed_items WHERE user_id IN (:readers) AND tweet_id = :tweet")
                .param("readers", readerIds)
                .param("tweet", tweetId)
                .update();
    }

    /**
     * A new follow brings all the followee's existing tweets into the follower's feed, if the follow
     * still exists when this runs: a queued or retried backfill must not outlive a later unfollow.
     * It first drops the followee's rows from that feed, so that afterwards the feed holds exactly
     * the followee's current tweets: a row of a tweet deleted while the follower was between an
     * unfollow and this follow (the delete's fan-out missed them, and the unfollow's purge was
     * skipped because they follow again) goes too. Both statements touch the follower's shard only.
     */
    public int backfill(long followerId, long followeeId) {
        jdbc.sql("DELETE FROM feed_items WHERE user_id = :follower AND author_id = :followee")
                .param("follower", followerId)
                .param("followee", followeeId)
                .update();
        return jdbc.sql("""
                        INSERT INTO feed_items (user_id, tweet_id, author_id)
                        SELECT f.follower_id, t.id, t.user_id
                        FROM tweets t JOIN followers f ON f.user_id = t.user_id
                        WHERE t.user_id = :followee AND f.follower_id = :follower
                        ON CONFLICT DO NOTHING""")
                .param("follower", followerId)
                .param("followee", followeeId)
                .update();
    }

    /**
     * An unfollow takes the followee's tweets out of the follower's feed, unless the follower has
     * followed again by the time this runs (a queued or retried purge must not undo the new follow).
     */
    public int purgeAuthor(long followerId, long followeeId) {
        return jdbc.sql("""
                        DELETE FROM feed_items
                        WHERE user_id = :follower AND author_id = :followee
                          AND NOT EXISTS (SELECT 1 FROM following fo WHERE fo.user_id = :follower AND fo.followee_id = :followee)""")
                .param("follower", followerId)
                .param("followee", followeeId)
                .update();
    }

    /**
     * A deleted tweet leaves every feed that holds it: the author's and those of the author's current
     * followers, found through {@code following} (colocated with feed_items on the reader's id).
     */
    public int purgeTweet(long authorId, long tweetId) {
        return remove(authorId, tweetId) + jdbc.sql("""
                        DELETE FROM feed_items fi USING following fo
                        WHERE fo.followee_id = :author AND fi.user_id = fo.user_id AND fi.tweet_id = :tweet""")
                .param("author", authorId)
                .param("tweet", tweetId)
                .update();
    }

    /** One reader's entry for one tweet (the author's own, at once, when they delete it). */
    public int remove(long readerId, long tweetId) {
        return jdbc.sql("DELETE FROM feed_items WHERE user_id = :reader AND tweet_id = :tweet")
                .param("reader", readerId)
                .param("tweet", tweetId)
                .update();
    }

    /** A page of the feed: one backward range scan of the primary key (user_id, tweet_id). */
    public List<TweetRef> page(long userId, FeedCursor cursor, int limit) {
        return jdbc.sql("""
                        SELECT tweet_id, author_id FROM feed_items
                        WHERE user_id = :user AND tweet_id < :before
                        ORDER BY tweet_id DESC LIMIT :limit""")
                .param("user", userId)
                .param("before", cursor.before())
                .param("limit", limit)
                .query(TweetRef.class)
                .list();
    }
}
