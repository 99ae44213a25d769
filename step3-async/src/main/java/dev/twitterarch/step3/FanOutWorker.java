package dev.twitterarch.step3;

import org.springframework.stereotype.Component;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * The one worker of step 3: the same set-based statements step 2 ran inside the POST, now run
 * from the queue, each in its own transaction, acknowledged after commit. Each reads the current
 * followers and tweets when it runs and is idempotent, so a redelivered message changes nothing.
 * A celebrity's fan-out is still one big statement: while it runs, every message behind it waits
 * (step 4 spreads the work over several workers). Each event maps to the rows it writes or removes.
 */
@Component
class FanOutWorker implements QueueConsumer.Handler, FeedEvent.Visitor<Integer> {

    private final FeedItemStore feedItems;

    FanOutWorker(FeedItemStore feedItems) {
        this.feedItems = feedItems;
    }

    @Override
    public void handle(Object message) {
        QueueConsumer.Handler.expect(FeedEvent.class, message).accept(this);
    }

    @Override
    public Integer tweetPosted(TweetPosted posted) {
        return feedItems.fanOutToFollowers(posted.authorId(), posted.tweetId());
    }

    @Override
    public Integer tweetDeleted(TweetDeleted deleted) {
        return feedItems.purgeTweet(deleted.authorId(), deleted.tweetId());
    }

    @Override
    public Integer followed(Followed followed) {
        return feedItems.backfill(followed.followerId(), followed.followeeId());
    }

    @Override
    public Integer unfollowed(Unfollowed unfollowed) {
        return feedItems.purgeAuthor(unfollowed.followerId(), unfollowed.followeeId());
    }
}
