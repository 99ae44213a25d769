package dev.twitterarch.step5;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Publisher.Outgoing;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.step4.ConsistentHashWorkers;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Turns an event into batches of followers, {@code batchSize} at most, each batch from one bucket
 * ({@link FollowerBuckets}: a hash of the follower id, or on Citus the shard of its feed rows),
 * routed by the bucket through step 4's consistent-hash exchange. All batches of one event are confirmed by the broker before the event
 * is acknowledged. The dispatch is an observation ({@code twitter.fanout.dispatch}) in the event's
 * trace, and each batch message carries that trace on to its worker.
 */
public class BatchingDispatcher implements QueueConsumer.Handler, FeedEvent.Visitor<List<Outgoing>> {

    private final FollowerStore followers;
    private final Publisher publisher;
    private final ConsistentHashWorkers workers;
    private final FollowerBuckets buckets;
    private final int batchSize;
    private final ObservationRegistry observations;

    public BatchingDispatcher(FollowerStore followers, Publisher publisher, ConsistentHashWorkers workers,
                              FollowerBuckets buckets, int batchSize, ObservationRegistry observations) {
        this.followers = followers;
        this.publisher = publisher;
        this.workers = workers;
        this.buckets = buckets;
        this.batchSize = batchSize;
        this.observations = observations;
    }

    @Override
    public void handle(Object message) {
        FeedEvent event = QueueConsumer.Handler.expect(FeedEvent.class, message);
        String type = event.getClass().getSimpleName();
        Observation dispatch = Observation.createNotStarted("twitter.fanout.dispatch", observations)
                .contextualName("dispatch " + type)
                .lowCardinalityKeyValue("event", type);
        dispatch.observe(() -> {
            List<Outgoing> batches = event.accept(this);
            dispatch.highCardinalityKeyValue("twitter.batches", Integer.toString(batches.size()));
            publisher.publish(batches);
        });
    }

    @Override
    public List<Outgoing> tweetPosted(TweetPosted posted) {
        return batches(followers.followersOf(posted.authorId()),
                (bucket, batch) -> new FollowerBatch.AddToFeeds(bucket, posted.tweetId(), posted.authorId(), batch));
    }

    @Override
    public List<Outgoing> tweetDeleted(TweetDeleted deleted) {
        return batches(followers.followersOf(deleted.authorId()),
                (bucket, batch) -> new FollowerBatch.RemoveFromFeeds(bucket, deleted.tweetId(), deleted.authorId(), batch));
    }

    @Override
    public List<Outgoing> followed(Followed followed) {
        return List.of(route(new FollowerBatch.Backfill(bucketOf(followed.followerId()), followed.followerId(),
                followed.followeeId())));
    }

    @Override
    public List<Outgoing> unfollowed(Unfollowed unfollowed) {
        return List.of(route(new FollowerBatch.Purge(bucketOf(unfollowed.followerId()), unfollowed.followerId(),
                unfollowed.followeeId())));
    }
    /** Groups followers by bucket, then cuts each bucket's list into batches. */
    List<Outgoing> batches(List<Long> followerIds, BiFunction<Integer, List<Long>, FollowerBatch> batch) {
        Map<Integer, List<Long>> byBucket = new TreeMap<>();
        buckets.of(followerIds).forEach((follower, bucket) -> byBucket.computeIfAbsent(bucket, b -> new ArrayList<>()).add(follower));
        List<Outgoing> messages = new ArrayList<>();
        byBucket.forEach((bucket, members) -> {
            for (int from = 0; from < members.size(); from += batchSize) {
                List<Long> slice = List.copyOf(members.subList(from, Math.min(from + batchSize, members.size())));
                messages.add(route(batch.apply(bucket, slice)));
            }
        });
        return messages;
    }

    /** The follower's bucket. */
    int bucketOf(long followerId) {
        return buckets.of(followerId);
    }

    private Outgoing route(FollowerBatch message) {
        return new Outgoing(workers.exchange(), Integer.toString(message.bucket()), message);
    }
}
