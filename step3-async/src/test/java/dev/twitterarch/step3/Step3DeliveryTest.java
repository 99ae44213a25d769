package dev.twitterarch.step3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;

import com.rabbitmq.client.GetResponse;

import dev.twitterarch.common.testing.FanOutTestSupport;
import dev.twitterarch.common.testing.HandPublishedDeliveryTest;
import dev.twitterarch.messaging.MessagingProperties;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * What the step 3 worker does with messages that are not the happy path: the same message twice,
 * messages it can never handle, and handling that fails. API and worker run in this one process
 * (the default role). Odd messages are published by hand to the events exchange, exactly where the
 * API publishes its own; failures are injected by a trigger the test puts on {@code feed_items}
 * (see {@link #failFanOutOf}), so the main code carries no test hooks. How the test waits for
 * hand-published messages to settle: {@link HandPublishedDeliveryTest}.
 */
class Step3DeliveryTest extends HandPublishedDeliveryTest {

    @Autowired
    QueueConsumer worker;

    @Autowired
    MessagingProperties messaging;

    @Override
    protected boolean queuesEmpty() {
        return support.ready(fanOutQueue()) == 0;
    }

    /** Redelivery is harmless: the same TweetPosted handled three times leaves exactly one row per follower. */
    @Test
    void aRedeliveredTweetPostedChangesNothing() {
        long author = api.createUser();
        List<Long> followers = followersOf(author, 20);
        long tweet = api.tweet(author, "said once");
        awaitSettled();
        assertEveryFollowerHasItOnce(author, followers, tweet);

        // the API's message again, twice, byte for byte as the API sends it (MessageCodec: record
        // component names, the AMQP type names the record)
        long handledBefore = worker.handled();
        String message = "{\"tweetId\":" + tweet + ",\"authorId\":" + author + "}";
        publishByHand("TweetPosted", message);
        publishByHand("TweetPosted", message);
        awaitSettled();

        assertThat(worker.handled() - handledBefore).as("duplicates handled (not rejected)").isEqualTo(2);
        assertEveryFollowerHasItOnce(author, followers, tweet);
        assertNothingDeadLettered();
    }

    /** Messages that can never succeed. */
    enum Poison {
        UNPARSEABLE_BODY("TweetPosted") {
            @Override
            String body(long author, long nobody) {
                return "{\"tweetId\": oops";
            }
        },
        MISSING_FIELD("TweetPosted") {
            @Override
            String body(long author, long nobody) {
                return "{\"tweetId\":" + nobody + "}";
            }
        },
        UNKNOWN_TYPE("TweetEdited") {
            @Override
            String body(long author, long nobody) {
                return "{\"tweetId\":" + nobody + ",\"authorId\":" + author + "}";
            }
        };

        final String type;

        Poison(String type) {
            this.type = type;
        }

        abstract String body(long author, long nobody);
    }

    /** A poison message goes to the dead-letter queue at once (no retries) and does not hold up the messages behind it. */
    @ParameterizedTest
    @EnumSource(Poison.class)
    void aPoisonMessageIsDeadLetteredAndDoesNotBlockTheQueue(Poison poison) {
        long author = api.createUser();
        long reader = api.createUser();
        api.follow(reader, author).expect(201);
        long earlier = api.tweet(author, "an earlier tweet, so a backfill of this author has rows to write");
        awaitSettled();
        long retriedBefore = worker.retried();
        long deadLetteredBefore = worker.deadLettered();

        String body = poison.body(author, ids.next()); // a fresh id: no user or tweet has it
        publishByHand(poison.type, body);
        long tweet = api.tweet(author, "queued right behind the poison message");

        await("the tweet behind the poison message to reach the reader").atMost(Duration.ofSeconds(30))
                .until(() -> api.page(reader, 20, null).ids(), ids -> ids.contains(tweet));
        awaitSettled();
        assertThat(api.page(reader, 20, null).ids()).containsExactly(tweet, earlier);
        assertThat(worker.deadLettered() - deadLetteredBefore).as("dead-lettered").isEqualTo(1);
        assertThat(worker.retried()).as("retries of a message that can never succeed").isEqualTo(retriedBefore);

        GetResponse dead = support.awaitDeadLetter();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(dead.getProps().getType()).isEqualTo(poison.type);
        FanOutTestSupport.assertRejectedFrom(dead, fanOutQueue());
        assertThat(support.ready(support.topology.deadLetterQueue())).as("other dead letters").isZero();
        expectedErrors.assertLogged("dead-lettering message");
    }

    /**
     * A message about a user who does not exist (or no longer does) can never do harm: the
     * backfill reads the current follows, finds none, writes nothing and is acknowledged at once:
     * no retry, no dead letter, and the tweet behind it goes through.
     */
    @Test
    void aMessageAboutAMissingUserIsANoOp() {
        long author = api.createUser();
        long reader = api.createUser();
        api.follow(reader, author).expect(201);
        long earlier = api.tweet(author, "an earlier tweet, so a backfill of this author has rows to write");
        awaitSettled();
        long handledBefore = worker.handled();
        long retriedBefore = worker.retried();
        long deadLetteredBefore = worker.deadLettered();

        publishByHand("Followed", "{\"followerId\":" + ids.next() + ",\"followeeId\":" + author + "}");
        long tweet = api.tweet(author, "queued right behind the message about nobody");

        await("the tweet behind it to reach the reader").atMost(Duration.ofSeconds(30))
                .until(() -> api.page(reader, 20, null).ids(), ids -> ids.contains(tweet));
        assertThat(api.page(reader, 20, null).ids()).containsExactly(tweet, earlier);
        assertThat(worker.handled() - handledBefore).as("handled, the hand-published one included").isEqualTo(2);
        assertThat(worker.retried()).as("retries").isEqualTo(retriedBefore);
        assertThat(worker.deadLettered()).as("dead letters").isEqualTo(deadLetteredBefore);
    }

    /** A failure that passes (here a deadlock, twice) is retried from the back of the queue and then succeeds. */
    @Test
    void aTransientFailureIsRetriedUntilItSucceeds() {
        long author = api.createUser();
        List<Long> followers = followersOf(author, 5);
        awaitSettled();
        long retriedBefore = worker.retried();

        long tweet;
        try (FailingFanOut ignored = failFanOutOf(author, 2)) {
            tweet = api.tweet(author, "third time lucky");
            awaitSettled(); // each retry is published through the application's publisher, so it is counted
        }

        assertThat(worker.retried() - retriedBefore).as("retries").isEqualTo(2);
        assertEveryFollowerHasItOnce(author, followers, tweet);
        assertNothingDeadLettered();
    }

    /** A failure that does not pass is tried maxAttempts times, then dead-lettered: it never loops forever. */
    @Test
    void aPersistentFailureIsDeadLetteredAfterTheLastAttempt() {
        long author = api.createUser();
        List<Long> followers = followersOf(author, 5);
        awaitSettled();
        long retriedBefore = worker.retried();
        long deadLetteredBefore = worker.deadLettered();

        long tweet;
        try (FailingFanOut ignored = failFanOutOf(author, Integer.MAX_VALUE)) {
            tweet = api.tweet(author, "never delivered");
            awaitSettled();
        }

        assertThat(worker.retried() - retriedBefore).as("retries").isEqualTo(messaging.maxAttempts() - 1);
        assertThat(worker.deadLettered() - deadLetteredBefore).as("dead-lettered").isEqualTo(1);
        assertThat(support.followerRows(tweet)).as("followers' rows").isZero();
        assertThat(api.page(author, 20, null).ids()).as("the author's own entry is written by the API").containsExactly(tweet);
        followers.forEach(follower -> assertThat(api.page(follower, 20, null).ids()).isEmpty());

        GetResponse dead = support.awaitDeadLetter();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8))
                .isEqualTo("{\"tweetId\":" + tweet + ",\"authorId\":" + author + "}");
        assertThat(dead.getProps().getHeaders().get("x-attempt")).as("attempt count header")
                .isEqualTo(messaging.maxAttempts());
        FanOutTestSupport.assertRejectedFrom(dead, fanOutQueue());
        expectedErrors.assertLogged("attempt " + messaging.maxAttempts() + " of " + messaging.maxAttempts() + " failed");
        expectedErrors.assertLogged("dead-lettering message {\"tweetId\":" + tweet);
    }

    /**
     * A retried Followed that runs after the unfollow must not bring the tweets back. The follow's
     * backfill fails once; its retry goes to the back of the queue, behind the Unfollowed.
     */
    @Test
    void aRetriedFollowDoesNotOutliveTheUnfollow() {
        long author = api.createUser();
        long reader = api.createUser();
        long tweet = api.tweet(author, "seen only while followed");
        awaitSettled();

        try (FailingFanOut ignored = failFanOutOf(author, 1)) {
            whileTheWorkerIsStopped(() -> {
                api.follow(reader, author).expect(201);
                api.unfollow(reader, author);
            });
            awaitSettled();
        }

        // the backfill may fail and be retried after the unfollow, or (reading the current follows)
        // find the follow gone and write nothing; either way the unfollow must win
        assertThat(api.page(reader, 20, null).ids()).as("feed of a reader who follows nobody (author's tweet %d)", tweet)
                .isEmpty();
    }

    /**
     * A retried Unfollowed that runs after a new follow must not take the tweets out. The unfollow's
     * purge fails once; its retry goes to the back of the queue, behind the Followed.
     */
    @Test
    void aRetriedUnfollowDoesNotOutliveTheNextFollow() {
        long author = api.createUser();
        long reader = api.createUser();
        api.follow(reader, author).expect(201);
        long tweet = api.tweet(author, "seen while followed");
        awaitSettled();

        try (FailingFanOut ignored = failFanOutOf(author, 1)) {
            whileTheWorkerIsStopped(() -> {
                api.unfollow(reader, author);
                api.follow(reader, author).expect(201);
            });
            awaitSettled();
        }

        assertThat(api.page(reader, 20, null).ids()).as("feed of a reader who follows the author again").containsExactly(tweet);
    }

    // --- helpers -------------------------------------------------------------------------------

    /** Queues what {@code requests} publish without handling it yet, so the test decides the order the worker sees. */
    private void whileTheWorkerIsStopped(Runnable requests) {
        worker.stop();
        try {
            requests.run();
        } finally {
            worker.start();
        }
    }

    private void publishByHand(String type, String body) {
        support.publishEvent(type, body);
        publishedByHand();
    }

    private void assertEveryFollowerHasItOnce(long author, List<Long> followers, long tweet) {
        assertThat(support.followersMissing(author, tweet)).as("followers without the tweet").isZero();
        assertThat(support.followerRows(tweet)).as("followers' rows of the tweet").isEqualTo(followers.size());
        assertThat(support.readersWithDuplicates(tweet)).as("feeds holding the tweet twice").isEmpty();
        for (long follower : followers) {
            assertThat(api.page(follower, 20, null).ids()).as("feed of follower %d", follower).containsOnlyOnce(tweet);
        }
    }

    /**
     * Makes the worker's writes of one author's tweets into followers' feeds (inserts and deletes of
     * feed rows) fail {@code times} times with a deadlock error, a transient failure, by a trigger
     * in the test database: the first such row of each attempt raises. The count lives in a sequence
     * because {@code nextval} is not undone when the failing transaction rolls back. The author's
     * own row (written by the API) is left alone.
     */
    private FailingFanOut failFanOutOf(long author, int times) {
        String name = "fail_fan_out_" + author;
        jdbc.sql("CREATE SEQUENCE " + name).update();
        jdbc.sql("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $body$
                DECLARE
                    item feed_items := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                BEGIN
                    IF item.author_id = %2$d AND item.user_id <> item.author_id THEN
                        IF nextval('%1$s') <= %3$d THEN
                            RAISE EXCEPTION 'simulated deadlock' USING ERRCODE = '40P01';
                        END IF;
                    END IF;
                    RETURN item;
                END $body$""".formatted(name, author, times)).update();
        jdbc.sql("CREATE TRIGGER %1$s BEFORE INSERT OR DELETE ON feed_items FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(name)).update();
        return () -> {
            jdbc.sql("DROP TRIGGER " + name + " ON feed_items").update();
            jdbc.sql("DROP FUNCTION " + name + "()").update();
            jdbc.sql("DROP SEQUENCE " + name).update();
        };
    }

    @FunctionalInterface
    private interface FailingFanOut extends AutoCloseable {
        @Override
        void close();
    }

    private String fanOutQueue() {
        return support.topology.fanOutQueue();
    }
}
