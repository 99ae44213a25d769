package dev.twitterarch.step2;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;

/**
 * Push, synchronously: posting a tweet writes one feed_items row per follower (and one for the
 * author) inside the tweet's own transaction, so a read is one index range scan of the reader's
 * own rows. The price moves to the writer: a celebrity's POST now waits for every follower's row,
 * and following someone copies their whole history into your feed. Each change takes the
 * {@link AuthorLock} first, so a post and a follow of the same author cannot miss each other.
 * The followers' rows are one statement, {@link ColocatedFanOut}, shaped to run shard by shard on Citus.
 */
@Component
class FanOutOnWriteFeed implements FeedStrategy {

    private final FeedItemStore feedItems;
    private final ColocatedFanOut fanOut;
    private final AuthorLock lock;

    FanOutOnWriteFeed(FeedItemStore feedItems, ColocatedFanOut fanOut, AuthorLock lock) {
        this.feedItems = feedItems;
        this.fanOut = fanOut;
        this.lock = lock;
    }

    @Override
    public void tweetPosted(Tweet tweet) {
        lock.forPosting(tweet.userId());
        feedItems.insertOwn(tweet);
        fanOut.toFollowers(tweet);
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        lock.forPosting(tweet.userId());
        fanOut.oneConnectionPerWorker(); // the purge, too, is a statement on every shard
        feedItems.purgeTweet(tweet.userId(), tweet.id());
    }

    @Override
    public void followed(long followerId, long followeeId) {
        lock.forFollowing(followeeId);
        feedItems.backfill(followerId, followeeId);
    }

    @Override
    public void unfollowed(long followerId, long followeeId) {
        lock.forFollowing(followeeId);
        feedItems.purgeAuthor(followerId, followeeId);
    }

    @Override
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        return feedItems.page(userId, cursor, limit);
    }
}
