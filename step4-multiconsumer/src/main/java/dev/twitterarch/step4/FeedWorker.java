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
class FeedWorker implements QueueConsumer.Handler, PerFollower.Visitor<Integer> {

    private final FeedItemStore feedItems;

    FeedWorker(FeedItemStore feedItems) {
        this.feedItems = feedItems;
    }

    @Override
    public void handle(Object message) {
        QueueConsumer.Handler.expect(PerFollower.class, message).accept(this);
    }

    @Override
    public Integer addTweet(PerFollower.AddTweet add) {
        return feedItems.deliver(add.followerId(), add.authorId(), add.tweetId());
    }

    @Override
    public Integer removeTweet(PerFollower.RemoveTweet remove) {
        return feedItems.remove(remove.followerId(), remove.tweetId());
    }

    @Override
    public Integer backfill(PerFollower.Backfill backfill) {
        return feedItems.backfill(backfill.followerId(), backfill.followeeId());
    }

    @Override
    public Integer purge(PerFollower.Purge purge) {
        return feedItems.purgeAuthor(purge.followerId(), purge.followeeId());
    }
}
