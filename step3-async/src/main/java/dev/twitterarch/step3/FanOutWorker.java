package dev.twitterarch.step3;

import org.springframework.stereotype.Component;

import dev.twitterarch.common.feed.FeedItemStore;
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
 * (step 4 spreads the work over several workers).
 */
@Component
class FanOutWorker implements QueueConsumer.Handler {

    private final FeedItemStore feedItems;

    FanOutWorker(FeedItemStore feedItems) {
        this.feedItems = feedItems;
    }

    @Override
    public void handle(Object message) {
        if (message instanceof TweetPosted posted) {
            feedItems.fanOutToFollowers(posted.authorId(), posted.tweetId());
        } else if (message instanceof TweetDeleted deleted) {
            feedItems.purgeTweet(deleted.authorId(), deleted.tweetId());
        } else if (message instanceof Followed followed) {
            feedItems.backfill(followed.followerId(), followed.followeeId());
        } else if (message instanceof Unfollowed unfollowed) {
            feedItems.purgeAuthor(unfollowed.followerId(), unfollowed.followeeId());
        } else {
            throw new IllegalArgumentException("step 3 has no handler for " + message.getClass().getSimpleName());
        }
    }
}
