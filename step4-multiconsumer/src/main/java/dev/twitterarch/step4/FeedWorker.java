package dev.twitterarch.step4;

import org.springframework.stereotype.Component;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * One of N identical workers: each message touches one follower's feed with one small statement.
 * A worker queue holds a fixed share of the followers (by consistent hashing of their ids), so the
 * messages about one follower are handled in order by one worker.
 */
@Component
class FeedWorker implements QueueConsumer.Handler {

    private final FeedItemStore feedItems;

    FeedWorker(FeedItemStore feedItems) {
        this.feedItems = feedItems;
    }

    @Override
    public void handle(Object message) {
        if (message instanceof PerFollower.AddTweet add) {
            feedItems.deliver(add.followerId(), add.authorId(), add.tweetId());
        } else if (message instanceof PerFollower.RemoveTweet remove) {
            feedItems.remove(remove.followerId(), remove.tweetId());
        } else if (message instanceof PerFollower.Backfill backfill) {
            feedItems.backfill(backfill.followerId(), backfill.followeeId());
        } else if (message instanceof PerFollower.Purge purge) {
            feedItems.purgeAuthor(purge.followerId(), purge.followeeId());
        } else {
            throw new IllegalArgumentException("a feed worker expects a per-follower message, got "
                    + message.getClass().getSimpleName());
        }
    }
}
