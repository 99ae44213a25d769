package dev.twitterarch.step6;

import dev.twitterarch.messaging.AfterCommit;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.step5.BatchWorker;
import dev.twitterarch.step5.FollowerBatch;
import dev.twitterarch.step5.FollowerBatch.AddToFeeds;
import dev.twitterarch.step5.FollowerBatch.Backfill;
import dev.twitterarch.step5.FollowerBatch.Purge;
import dev.twitterarch.step5.FollowerBatch.RemoveFromFeeds;

/**
 * Step 5's batch worker with the cache behind it: the worker writes the batch into feed_items as
 * in step 5, and once that has committed, the same batch updates the readers' Redis lists
 * (feed_items stays the truth; a list that misses an update is dropped and refilled from it).
 */
class CacheWritingWorker implements QueueConsumer.Handler, FollowerBatch.Visitor<Runnable> {

    private final BatchWorker database;
    private final CircularBufferFeed cache;

    CacheWritingWorker(BatchWorker database, CircularBufferFeed cache) {
        this.database = database;
        this.cache = cache;
    }

    @Override
    public void handle(Object message) {
        database.handle(message);
        AfterCommit.run(((FollowerBatch) message).accept(this));
    }

    @Override
    public Runnable addToFeeds(AddToFeeds add) {
        return () -> cache.added(add.tweetId(), add.authorId(), add.followerIds());
    }

    @Override
    public Runnable removeFromFeeds(RemoveFromFeeds remove) {
        return () -> cache.removed(remove.tweetId(), remove.authorId(), remove.followerIds());
    }

    @Override
    public Runnable backfill(Backfill backfill) {
        return () -> cache.changed(backfill.followerId());
    }

    @Override
    public Runnable purge(Purge purge) {
        return () -> cache.changed(purge.followerId());
    }
}
