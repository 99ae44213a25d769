package dev.twitterarch.step5;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.Publisher.Outgoing;
import dev.twitterarch.messaging.Topology;
import dev.twitterarch.step4.ConsistentHashWorkers;
import dev.twitterarch.step5.FollowerBatch.AddToFeeds;
import io.micrometer.observation.ObservationRegistry;

/** How step 5's dispatcher cuts a fan-out into batch messages: pure code, no services. */
class BatchingDispatcherTest {

    private static final int BUCKETS = 20;
    private static final int BATCH_SIZE = 100;

    private final ConsistentHashWorkers workers = new ConsistentHashWorkers(new Topology("unit"), 4);
    private final BatchingDispatcher dispatcher = new BatchingDispatcher(null, null, workers, FollowerBuckets.hashed(BUCKETS), BATCH_SIZE,
            ObservationRegistry.NOOP);

    private List<Outgoing> batchesOf(List<Long> followers) {
        return dispatcher.batches(followers, (bucket, batch) -> new AddToFeeds(bucket, 7L, 3L, batch));
    }

    /**
     * Proves: every follower is in exactly one batch, no batch holds more than the batch size, every
     * batch holds followers of one bucket only and is routed by that bucket, and a bucket is cut into
     * as few batches as possible (only its last batch may be short).
     */
    @Test
    void everyFollowerOnceInBatchesOfOneBucketAndAtMostTheBatchSize() {
        List<Long> followers = snowflakeIdsInATightLoop(25_000);
        List<Outgoing> messages = batchesOf(followers);

        List<Long> batched = new ArrayList<>();
        Map<Integer, Integer> batchesPerBucket = new TreeMap<>();
        for (Outgoing message : messages) {
            AddToFeeds batch = (AddToFeeds) message.message();
            assertThat(batch.followerIds()).as("batch of bucket %d", batch.bucket()).isNotEmpty().hasSizeLessThanOrEqualTo(BATCH_SIZE);
            assertThat(batch.followerIds()).as("followers of a batch are all in its bucket")
                    .allSatisfy(follower -> assertThat(dispatcher.bucketOf(follower)).isEqualTo(batch.bucket()));
            assertThat(message.exchange()).isEqualTo(workers.exchange());
            assertThat(message.routingKey()).as("routing key is the bucket").isEqualTo(Integer.toString(batch.bucket()));
            assertThat(batch.tweetId()).isEqualTo(7L);
            assertThat(batch.authorId()).isEqualTo(3L);
            batched.addAll(batch.followerIds());
            batchesPerBucket.merge(batch.bucket(), 1, Integer::sum);
        }
        assertThat(batched).as("followers over all batches").hasSameSizeAs(followers).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(followers);

        Map<Integer, Long> perBucket = followers.stream().collect(Collectors.groupingBy(dispatcher::bucketOf, Collectors.counting()));
        perBucket.forEach((bucket, count) -> assertThat(batchesPerBucket.get(bucket))
                .as("batches of bucket %d (%d followers)", bucket, count).isEqualTo((int) ((count + BATCH_SIZE - 1) / BATCH_SIZE)));
    }

    /** Proves: within a batch, followers keep the order they were read in (id order), so batches are deterministic. */
    @Test
    void batchesKeepTheFollowersInTheirOrder() {
        List<Long> followers = LongStream.rangeClosed(1, 5_000).boxed().toList();
        for (Outgoing message : batchesOf(followers)) {
            assertThat(((AddToFeeds) message.message()).followerIds()).isSorted();
        }
        assertThat(batchesOf(followers)).as("the same followers give the same batches").isEqualTo(batchesOf(followers));
    }

    /** Proves: no followers, no messages (a tweet by someone nobody follows publishes nothing). */
    @Test
    void noFollowersNoBatches() {
        assertThat(batchesOf(List.of())).isEmpty();
    }

    /**
     * Proves: Snowflake ids spread evenly over all 20 buckets, both ids made in a tight loop
     * (consecutive sequence numbers) and ids made one per millisecond (sequence always 0, where a
     * plain {@code id % 20} would use only 5 buckets: 4096 * t mod 20 is a multiple of 4).
     */
    @Test
    void snowflakeIdsSpreadOverAllBuckets() {
        List<Long> oneAMillisecond = snowflakeIdsOneAMillisecond(20_000);
        assertThat(oneAMillisecond.stream().map(id -> Math.floorMod(id, BUCKETS)).distinct().count())
                .as("buckets a plain id %% 20 would use").isEqualTo(5);

        for (List<Long> ids : List.of(snowflakeIdsInATightLoop(20_000), oneAMillisecond, LongStream.rangeClosed(1, 20_000).boxed().toList())) {
            Map<Integer, Long> perBucket = ids.stream().collect(Collectors.groupingBy(dispatcher::bucketOf, TreeMap::new, Collectors.counting()));
            assertThat(perBucket.keySet()).as("buckets used").containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, BUCKETS).boxed().toList());
            long mean = ids.size() / BUCKETS;
            // ~1000 ids a bucket; a uniform hash stays within a few percent, far inside +-20%
            assertThat(perBucket.values()).as("ids per bucket %s", perBucket)
                    .allSatisfy(count -> assertThat(count).isBetween(mean * 8 / 10, mean * 12 / 10));
        }
    }

    private static List<Long> snowflakeIdsInATightLoop(int count) {
        SnowflakeIds ids = new SnowflakeIds(Clock.systemUTC(), 0);
        return LongStream.range(0, count).map(i -> ids.next()).boxed().toList();
    }

    private static List<Long> snowflakeIdsOneAMillisecond(int count) {
        SnowflakeIds ids = new SnowflakeIds(new SteppingClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()), 0);
        return LongStream.range(0, count).map(i -> ids.next()).boxed().toList();
    }

    /** A clock one millisecond later at every reading. */
    private static final class SteppingClock extends Clock {

        private long millis;

        SteppingClock(long start) {
            this.millis = start;
        }

        @Override
        public long millis() {
            return millis++;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
