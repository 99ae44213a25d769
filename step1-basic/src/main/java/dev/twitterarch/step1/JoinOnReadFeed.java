package dev.twitterarch.step1;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;

/**
 * Pull: nothing is precomputed. Posting, following and deleting cost nothing extra, because every
 * read assembles the feed from scratch: the reader's own tweets plus the tweets of everyone they
 * follow, merged and sorted. The read grows with how many accounts the reader follows and how much
 * they post; on Citus it visits every shard, since the followees live everywhere.
 *
 * <p>The JOIN pairs tweets.user_id with followers.user_id, both distribution columns, so Citus can
 * push it down to each shard pair; the filter on follower_id uses the followers_by_follower index.
 */
@Component
class JoinOnReadFeed implements FeedStrategy {

    private final JdbcClient jdbc;

    JoinOnReadFeed(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void tweetPosted(Tweet tweet) {
        // nothing to precompute: the next read will find the tweet
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        // the row is gone from tweets, so no read can find it
    }

    @Override
    public void followed(long followerId, long followeeId) {
        // the next read joins the new follow
    }

    @Override
    public void unfollowed(long followerId, long followeeId) {
        // the next read no longer joins it
    }

    @Override
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        return jdbc.sql("""
                        (SELECT t.id AS tweet_id, t.user_id AS author_id FROM tweets t
                         WHERE t.user_id = :user AND t.id < :before
                         ORDER BY t.id DESC LIMIT :limit)
                        UNION ALL
                        (SELECT t.id, t.user_id FROM tweets t
                         JOIN followers f ON f.user_id = t.user_id
                         WHERE f.follower_id = :user AND t.id < :before
                         ORDER BY t.id DESC LIMIT :limit)
                        ORDER BY tweet_id DESC LIMIT :limit""")
                .param("user", userId)
                .param("before", cursor.before())
                .param("limit", limit)
                .query(TweetRef.class)
                .list();
    }
}
