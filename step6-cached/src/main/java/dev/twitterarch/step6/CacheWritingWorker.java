package dev.twitterarch.step6;

import java.util.List;

import dev.twitterarch.common.feed.TweetRef;
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
 * in step 5, and once that has committed, the same batch updates the readers' cached timelines
 * (feed_items stays the truth; a timeline that cannot follow a change exactly is dropped, and
 * loaded again from it), and the readers' live sockets hear of it ({@link LivePublisher}).
 */
class CacheWritingWorker implements QueueConsumer.Handler, FollowerBatch.Visitor<Runnable> {

    private final BatchWorker database;
    private final FeedRows rows;
    private final HomeTimelines cache;
    private final LivePublisher live;

    CacheWritingWorker(BatchWorker database, FeedRows rows, HomeTimelines cache, LivePublisher live) {
        this.database = database;
        this.rows = rows;
        this.cache = cache;
        this.live = live;
    }

    /** In the consumer's transaction: step 5's statements, then (after the commit) the cache. */
    @Override
    public void handle(Object message) {
        database.handle(message);
        AfterCommit.run(((FollowerBatch) message).accept(this));
    }

    @Override
    public Runnable addToFeeds(AddToFeeds add) {
        List<Long> delivered = rows.readersHaving(add.tweetId(), add.followerIds());
        TweetRef tweet = new TweetRef(add.tweetId(), add.authorId());
        return () -> {
            cache.delivered(tweet, delivered);
            live.tweetEntered(tweet, delivered); // and to their sockets, wherever they are connected
        };
    }

    @Override
    public Runnable removeFromFeeds(RemoveFromFeeds remove) {
        return () -> {
            cache.withdrawn(new TweetRef(remove.tweetId(), remove.authorId()), remove.followerIds());
            live.tweetLeft(remove.tweetId(), remove.followerIds());
        };
    }

    @Override
    public Runnable backfill(Backfill backfill) {
        return () -> {
            cache.refresh(List.of(backfill.followerId()));
            live.feedChanged(backfill.followerId());
        };
    }

    @Override
    public Runnable purge(Purge purge) {
        rows.sweepDeletedTweets(purge.followerId(), purge.followeeId()); // what step 5's purge may leave
        return () -> {
            cache.refresh(List.of(purge.followerId()));
            live.feedChanged(purge.followerId());
        };
    }
}
