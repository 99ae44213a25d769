package dev.twitterarch.messaging;

import java.util.List;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;

/**
 * The API side of asynchronous fan-out (steps 3 on): a request writes only what its author must
 * read at once (their own feed entry) and hands an event to the {@link EventSink} (published after
 * the commit in steps 3-4, written to the outbox from step 5); workers write everyone else's feed
 * rows later. The POST no longer grows with the follower count; followers see the tweet after a
 * lag instead.
 */
public class QueuedFeed implements FeedStrategy {

    private final FeedItemStore feedItems;
    private final EventSink events;

    public QueuedFeed(FeedItemStore feedItems, EventSink events) {
        this.feedItems = feedItems;
        this.events = events;
    }

    @Override
    public void tweetPosted(Tweet tweet) {
        feedItems.insertOwn(tweet);
        events.emit(new TweetPosted(tweet.id(), tweet.userId()));
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        feedItems.remove(tweet.userId(), tweet.id());
        events.emit(new TweetDeleted(tweet.id(), tweet.userId()));
    }

    @Override
    public void followed(long followerId, long followeeId) {
        events.emit(new Followed(followerId, followeeId));
    }

    @Override
    public void unfollowed(long followerId, long followeeId) {
        events.emit(new Unfollowed(followerId, followeeId));
    }

    @Override
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        return feedItems.page(userId, cursor, limit);
    }
}
