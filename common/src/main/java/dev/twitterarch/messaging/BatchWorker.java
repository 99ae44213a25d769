package dev.twitterarch.messaging;

import java.time.Duration;
import java.util.List;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.FollowerBatch.AddToFeeds;
import dev.twitterarch.messaging.FollowerBatch.Backfill;
import dev.twitterarch.messaging.FollowerBatch.Purge;
import dev.twitterarch.messaging.FollowerBatch.RemoveFromFeeds;

/**
 * Step 5 on: a worker writes a whole batch of followers with one multi-row statement, in the
 * consumer's transaction. Meters and the cache listener hear of it only after the commit.
 */
public class BatchWorker implements QueueConsumer.Handler {

    private final FeedItemStore feedItems;
    private final FanOutMetrics metrics;
    private final List<FeedRowsListener> listeners;

    public BatchWorker(FeedItemStore feedItems, FanOutMetrics metrics, List<FeedRowsListener> listeners) {
        this.feedItems = feedItems;
        this.metrics = metrics;
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void handle(Object message) {
        long started = System.nanoTime();
        if (message instanceof AddToFeeds add) {
            int rows = feedItems.fanOutToFollowers(add.authorId(), add.tweetId(), add.followerIds());
            AfterCommit.run(() -> {
                metrics.batchWritten(add.followerIds().size(), rows, Duration.ofNanos(System.nanoTime() - started));
                metrics.committed(add.tweetId());
                listeners.forEach(listener -> listener.added(add.tweetId(), add.authorId(), add.followerIds()));
            });
        } else if (message instanceof RemoveFromFeeds remove) {
            feedItems.removeFromFeeds(remove.tweetId(), remove.followerIds());
            AfterCommit.run(() -> listeners.forEach(listener -> listener.removed(remove.tweetId(), remove.authorId(), remove.followerIds())));
        } else if (message instanceof Backfill backfill) {
            feedItems.backfill(backfill.followerId(), backfill.followeeId());
            AfterCommit.run(() -> listeners.forEach(listener -> listener.changed(backfill.followerId())));
        } else if (message instanceof Purge purge) {
            feedItems.purgeAuthor(purge.followerId(), purge.followeeId());
            AfterCommit.run(() -> listeners.forEach(listener -> listener.changed(purge.followerId())));
        } else {
            throw new IllegalArgumentException("a batch worker expects a follower batch, got " + message.getClass().getSimpleName());
        }
    }
}
