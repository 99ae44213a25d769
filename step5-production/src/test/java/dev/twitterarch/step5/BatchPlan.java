package dev.twitterarch.step5;

import java.util.List;

import dev.twitterarch.messaging.Topology;
import dev.twitterarch.step4.ConsistentHashWorkers;
import io.micrometer.observation.ObservationRegistry;

/**
 * The batches step 5's dispatcher cuts a fan-out into, computed with the dispatcher's own code
 * ({@link BatchingDispatcher#batches}, package-private), so tests can predict
 * exactly how many batch messages (and so how many lag and batch-size samples) a tweet makes.
 */
public final class BatchPlan {

    private BatchPlan() {
    }

    /** The AddToFeeds batches of one tweet by an author with these followers. */
    public static List<FollowerBatch.AddToFeeds> of(List<Long> followers, int buckets, int batchSize) {
        BatchingDispatcher dispatcher = new BatchingDispatcher(null, null, new ConsistentHashWorkers(new Topology("plan"), 4), FollowerBuckets.hashed(buckets), batchSize, ObservationRegistry.NOOP);
        return dispatcher.batches(followers, (bucket, batch) -> new FollowerBatch.AddToFeeds(bucket, 1L, 2L, batch)).stream()
                .map(outgoing -> (FollowerBatch.AddToFeeds) outgoing.message())
                .toList();
    }

    /** The bucket the dispatcher puts a follower in. */
    public static int bucketOf(long followerId, int buckets) {
        return new BatchingDispatcher(null, null, new ConsistentHashWorkers(new Topology("plan"), 4), FollowerBuckets.hashed(buckets), 1, ObservationRegistry.NOOP).bucketOf(followerId);
    }
}
