package dev.twitterarch.step5;

import java.time.Duration;

import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.messaging.AfterCommit;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.step5.FollowerBatch.AddToFeeds;
import dev.twitterarch.step5.FollowerBatch.Backfill;
import dev.twitterarch.step5.FollowerBatch.Purge;
import dev.twitterarch.step5.FollowerBatch.RemoveFromFeeds;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * A worker writes a whole batch of followers with one multi-row statement, in the consumer's
 * transaction; the meters hear of it only after the commit. Step 6 puts its cache in front of
 * this handler (it handles the same messages, then pushes to Redis). Each batch is one observation
 * ({@code twitter.fanout.batch}): a span per batch in the trace of the tweet it fans out.
 */
public class BatchWorker implements QueueConsumer.Handler, FollowerBatch.Visitor<Integer> {

    private final FeedItemStore feedItems;
    private final FanOutMetrics metrics;
    private final ObservationRegistry observations;

    public BatchWorker(FeedItemStore feedItems, FanOutMetrics metrics, ObservationRegistry observations) {
        this.feedItems = feedItems;
        this.metrics = metrics;
        this.observations = observations;
    }

    @Override
    public void handle(Object message) {
        FollowerBatch batch = QueueConsumer.Handler.expect(FollowerBatch.class, message);
        String type = batch.getClass().getSimpleName();
        Observation write = Observation.createNotStarted("twitter.fanout.batch", observations)
                .contextualName("write " + type)
                .lowCardinalityKeyValue("batch", type)
                .highCardinalityKeyValue("twitter.bucket", Integer.toString(batch.bucket()));
        write.observe(() -> write.highCardinalityKeyValue("twitter.rows", Integer.toString(batch.accept(this))));
    }

    @Override
    public Integer addToFeeds(AddToFeeds add) {
        long started = System.nanoTime();
        int rows = feedItems.fanOutToFollowers(add.authorId(), add.tweetId(), add.followerIds());
        AfterCommit.run(() -> {
            metrics.batchWritten(add.followerIds().size(), rows, Duration.ofNanos(System.nanoTime() - started));
            metrics.committed(add.tweetId());
        });
        return rows;
    }

    @Override
    public Integer removeFromFeeds(RemoveFromFeeds remove) {
        return feedItems.removeFromFeeds(remove.tweetId(), remove.followerIds());
    }

    @Override
    public Integer backfill(Backfill backfill) {
        return feedItems.backfill(backfill.followerId(), backfill.followeeId());
    }

    @Override
    public Integer purge(Purge purge) {
        return feedItems.purgeAuthor(purge.followerId(), purge.followeeId());
    }
}
