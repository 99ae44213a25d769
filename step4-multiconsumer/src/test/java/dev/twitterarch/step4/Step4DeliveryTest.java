package dev.twitterarch.step4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;

import com.rabbitmq.client.GetResponse;

import dev.twitterarch.common.testing.FanOutTestSupport;
import dev.twitterarch.common.testing.HandPublishedDeliveryTest;
import dev.twitterarch.messaging.ConsumerGroup;
import dev.twitterarch.messaging.MessageCodec;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * What step 4's feed workers do with per-follower messages that are not the happy path: the same
 * message twice (a redelivery), and messages they can never handle. API, dispatcher and all four
 * workers run in this one process (the default role). Odd messages are published by hand exactly
 * where the dispatcher publishes its own: to the consistent-hash exchange, routed by the follower
 * id, with the AMQP {@code type} naming the record and the body as {@link MessageCodec} writes it.
 * How the test waits for hand-published messages to settle: {@link HandPublishedDeliveryTest}.
 */
class Step4DeliveryTest extends HandPublishedDeliveryTest {

    @Autowired
    ConsumerGroup workers;

    @Autowired
    MessageCodec codec;

    @Override
    protected boolean queuesEmpty() {
        return support.ready(support.topology.fanOutQueue()) == 0
                && new ConsistentHashWorkers(support.topology, workers.members().size()).queues().stream().allMatch(queue -> support.ready(queue) == 0);
    }

    // --- redelivery ---------------------------------------------------------------------------

    /** A redelivered AddTweet is harmless: the same message twice more leaves each follower's feed as it was, one row each. */
    @Test
    void aRedeliveredAddTweetChangesNothing() {
        long author = api.createUser();
        List<Long> followers = followersOf(author, 4);
        long tweet = api.tweet(author, "said once");
        awaitSettled();
        Map<Long, List<Long>> feeds = feedsOf(followers);
        assertThat(feeds.values()).allSatisfy(feed -> assertThat(feed).containsExactly(tweet));

        // the dispatcher's message, byte for byte (record component names; the AMQP type names the record)
        assertThat(new String(codec.encode(new PerFollower.AddTweet(followers.get(0), tweet, author)), StandardCharsets.UTF_8))
                .isEqualTo("{\"followerId\":" + followers.get(0) + ",\"tweetId\":" + tweet + ",\"authorId\":" + author + "}");
        long handledBefore = total(QueueConsumer::handled);
        followers.forEach(follower -> redeliverTwice(new PerFollower.AddTweet(follower, tweet, author)));
        awaitSettled();

        assertThat(total(QueueConsumer::handled) - handledBefore).as("duplicates handled (not rejected)")
                .isEqualTo(2L * followers.size());
        assertThat(feedsOf(followers)).isEqualTo(feeds);
        assertThat(support.followerRows(tweet)).as("followers' rows of the tweet").isEqualTo(followers.size());
        assertThat(support.readersWithDuplicates(tweet)).as("feeds holding the tweet twice").isEmpty();
        assertNothingDeadLettered();
    }

    /**
     * A redelivered RemoveTweet is harmless, and so is a late AddTweet of the deleted tweet: the
     * worker writes a row only for a tweet that still exists, so a deleted tweet never comes back.
     */
    @Test
    void aRedeliveredRemoveTweetChangesNothingAndALateAddTweetDoesNotBringItBack() {
        long author = api.createUser();
        List<Long> followers = followersOf(author, 4);
        long kept = api.tweet(author, "kept");
        long deleted = api.tweet(author, "deleted");
        awaitSettled();
        api.deleteTweet(author, deleted);
        awaitSettled();
        Map<Long, List<Long>> feeds = feedsOf(followers);
        assertThat(feeds.values()).allSatisfy(feed -> assertThat(feed).containsExactly(kept));

        for (long follower : followers) {
            redeliverTwice(new PerFollower.RemoveTweet(follower, deleted));
            redeliverTwice(new PerFollower.AddTweet(follower, deleted, author));
        }
        awaitSettled();

        assertThat(feedsOf(followers)).isEqualTo(feeds);
        assertThat(support.followerRows(deleted)).as("followers' rows of the deleted tweet").isZero();
        assertThat(support.readersWithDuplicates(kept)).as("feeds holding a tweet twice").isEmpty();
        assertNothingDeadLettered();
    }

    /**
     * A redelivered Backfill is harmless: twice more, the follower's feed holds each of the
     * followee's tweets once; and after an unfollow, a late Backfill (it reads the current follows)
     * brings nothing back.
     */
    @Test
    void aRedeliveredBackfillChangesNothing() {
        long author = api.createUser();
        List<Long> tweets = IntStream.range(0, 3).mapToObj(i -> api.tweet(author, "before the follow " + i)).toList();
        long reader = api.createUser();
        api.follow(reader, author).expect(201);
        awaitSettled();
        List<Long> feed = api.page(reader, 20, null).ids();
        assertThat(feed).as("newest first").containsExactly(tweets.get(2), tweets.get(1), tweets.get(0));

        redeliverTwice(new PerFollower.Backfill(reader, author));
        awaitSettled();
        assertThat(api.page(reader, 20, null).ids()).as("feed after the backfill ran twice more").isEqualTo(feed);
        tweets.forEach(tweet -> assertThat(support.readersWithDuplicates(tweet)).as("feeds holding %d twice", tweet).isEmpty());

        api.unfollow(reader, author);
        awaitSettled();
        redeliverTwice(new PerFollower.Backfill(reader, author));
        awaitSettled();
        assertThat(api.page(reader, 20, null).ids()).as("feed after a backfill that outlived the unfollow").isEmpty();
        assertNothingDeadLettered();
    }

    /** A Purge redelivered after the reader followed again (it reads the current follows) takes nothing out. */
    @Test
    void aRedeliveredPurgeDoesNotOutliveTheNextFollow() {
        long author = api.createUser();
        long reader = api.createUser();
        api.follow(reader, author).expect(201);
        long tweet = api.tweet(author, "seen while followed");
        awaitSettled();
        api.unfollow(reader, author);
        awaitSettled();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();
        api.follow(reader, author).expect(201);
        awaitSettled();
        assertThat(api.page(reader, 20, null).ids()).containsExactly(tweet);

        redeliverTwice(new PerFollower.Purge(reader, author));
        awaitSettled();

        assertThat(api.page(reader, 20, null).ids()).as("feed of a reader who follows again").containsExactly(tweet);
        assertNothingDeadLettered();
    }

    // --- poison ---------------------------------------------------------------------------------

    /** Per-follower messages that can never succeed. */
    enum Poison {
        UNPARSEABLE_BODY("AddTweet") {
            @Override
            String body(long follower, long nobody, long tweet, long author) {
                return "{\"followerId\": oops";
            }
        },
        MISSING_FIELD("AddTweet") {
            @Override
            String body(long follower, long nobody, long tweet, long author) {
                return "{\"followerId\":" + follower + ",\"tweetId\":" + tweet + "}";
            }
        },
        UNKNOWN_TYPE("EditTweet") {
            @Override
            String body(long follower, long nobody, long tweet, long author) {
                return "{\"followerId\":" + follower + ",\"tweetId\":" + tweet + ",\"authorId\":" + author + "}";
            }
        },
        /** A real tweet for a reader who does not exist: feed_items' foreign key to users refuses the row. */
        NO_SUCH_FOLLOWER("AddTweet") {
            @Override
            String body(long follower, long nobody, long tweet, long author) {
                return "{\"followerId\":" + nobody + ",\"tweetId\":" + tweet + ",\"authorId\":" + author + "}";
            }

            @Override
            long routingKey(long follower, long nobody) {
                return nobody; // routed like the dispatcher routes it, by its follower id
            }
        };

        final String type;

        Poison(String type) {
            this.type = type;
        }

        abstract String body(long follower, long nobody, long tweet, long author);

        long routingKey(long follower, long nobody) {
            return follower;
        }
    }

    /**
     * A poison message goes to the dead-letter queue at once (rejected, never retried), and the
     * tweet queued right behind it on the same worker queue still reaches the follower there.
     * The author has one follower on each of the four worker queues, so whichever queue the poison
     * lands on, a follower's message waits behind it; both are queued while the workers are stopped,
     * so the worker meets the poison first.
     */
    @ParameterizedTest
    @EnumSource(Poison.class)
    void aPoisonMessageIsDeadLetteredAtOnceAndDoesNotBlockItsWorkerQueue(Poison poison) {
        long author = api.createUser();
        Map<String, Long> followerOnQueue = oneFollowerPerWorkerQueue(author);
        long earlier = api.tweet(author, "an earlier tweet");
        awaitSettled();
        long follower = followerOnQueue.values().iterator().next();
        long nobody = ids.next(); // a fresh id: no user has it
        long key = poison.routingKey(follower, nobody);
        String poisonQueue = queueOf(key);
        long retriedBefore = total(QueueConsumer::retried);
        long deadLetteredBefore = total(QueueConsumer::deadLettered);

        String body = poison.body(follower, nobody, earlier, author);
        long tweet = whileTheWorkersAreStopped(() -> {
            publishByHand(Long.toString(key), poison.type, body);
            long posted = api.tweet(author, "queued right behind the poison message");
            await("the tweet's messages behind the poison").atMost(Duration.ofSeconds(30))
                    .until(() -> support.ready(poisonQueue) == 2
                            && new ConsistentHashWorkers(support.topology, 4).queues().stream().mapToLong(support::ready).sum() == 5);
            return posted;
        });
        awaitSettled();

        long behind = followerOnQueue.get(poisonQueue);
        assertThat(api.page(behind, 20, null).ids()).as("feed of follower %d on %s, behind the poison", behind, poisonQueue)
                .containsExactly(tweet, earlier);
        followerOnQueue.values().forEach(reader -> assertThat(api.page(reader, 20, null).ids()).containsExactly(tweet, earlier));
        assertThat(total(QueueConsumer::deadLettered) - deadLetteredBefore).as("dead-lettered").isEqualTo(1);
        assertThat(total(QueueConsumer::retried)).as("retries of a message that can never succeed").isEqualTo(retriedBefore);

        GetResponse dead = support.awaitDeadLetter();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(dead.getProps().getType()).isEqualTo(poison.type);
        assertThat(dead.getProps().getHeaders()).as("headers of a message never retried").doesNotContainKey("x-attempt");
        FanOutTestSupport.assertRejectedFrom(dead, poisonQueue);
        assertThat(support.ready(support.topology.deadLetterQueue())).as("other dead letters").isZero();
        expectedErrors.assertLogged("dead-lettering message");
    }

    // --- helpers --------------------------------------------------------------------------------

    /**
     * New users, one hashed to each worker queue, who follow {@code author}: probes fresh users with
     * {@link #queueOf} until every queue has one.
     */
    private Map<String, Long> oneFollowerPerWorkerQueue(long author) {
        Map<String, Long> followers = new HashMap<>();
        for (int tries = 0; followers.size() < workers.members().size(); tries++) {
            assertThat(tries).as("users probed to find one per worker queue").isLessThan(200);
            long user = api.createUser();
            followers.putIfAbsent(queueOf(user), user);
        }
        followers.values().forEach(follower -> api.follow(follower, author).expect(201));
        return followers;
    }

    /**
     * The worker queue the consistent-hash exchange routes {@code followerId} to, found by asking
     * the real exchange: a Purge about a followee nobody is (it deletes nothing) is published with
     * that routing key, and the test sees which worker handled it.
     */
    private String queueOf(long followerId) {
        Map<String, Long> before = handledPerQueue();
        redeliver(new PerFollower.Purge(followerId, ids.next()));
        awaitSettled();
        Map<String, Long> after = handledPerQueue();
        List<String> handledIt = after.keySet().stream().filter(queue -> after.get(queue) > before.get(queue)).toList();
        assertThat(handledIt).as("worker queues that handled the probe for %d", followerId).hasSize(1);
        return handledIt.get(0);
    }

    private Map<String, Long> handledPerQueue() {
        Map<String, Long> handled = new LinkedHashMap<>();
        workers.members().forEach(worker -> handled.put(worker.queue(), worker.handled()));
        return handled;
    }

    private long total(ToLongFunction<QueueConsumer> counter) {
        return workers.members().stream().mapToLong(counter).sum();
    }

    private Map<Long, List<Long>> feedsOf(List<Long> readers) {
        Map<Long, List<Long>> feeds = new LinkedHashMap<>();
        readers.forEach(reader -> feeds.put(reader, api.page(reader, 20, null).ids()));
        return feeds;
    }

    /** The message again, twice, exactly as the dispatcher sends it: same exchange, routing key, type and body. */
    private void redeliverTwice(PerFollower message) {
        redeliver(message);
        redeliver(message);
    }

    private void redeliver(PerFollower message) {
        publishByHand(Long.toString(message.followerId()), MessageCodec.typeOf(message),
                new String(codec.encode(message), StandardCharsets.UTF_8));
    }

    private void publishByHand(String routingKey, String type, String body) {
        support.publish(new ConsistentHashWorkers(support.topology, 4).exchange(), routingKey, type, body);
        publishedByHand();
    }

    /** Queues what {@code requests} publish without handling it yet, so the test decides what the workers meet first. */
    private <T> T whileTheWorkersAreStopped(Supplier<T> requests) {
        workers.stop();
        try {
            return requests.get();
        } finally {
            workers.start();
        }
    }
}
