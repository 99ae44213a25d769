package dev.twitterarch.step5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.rabbitmq.client.GetResponse;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.ApiProcessFixture;
import dev.twitterarch.common.testing.ApiProcessFixture.ApiProcess;
import dev.twitterarch.common.testing.FanOutTestSupport;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.MessageCodec;
import dev.twitterarch.messaging.MessagingProperties;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Topology;
import io.micrometer.observation.ObservationRegistry;

/**
 * The transactional outbox under failure. The test context runs the batch workers only
 * ({@code role=worker}: no relay, no dispatcher); the API, with the outbox relay and the dispatcher,
 * is a separate JVM ({@code role=api}, {@link ApiProcessFixture}) that the test kills with
 * {@code kill -9} and replaces with a fresh one, as a deployment would restart it.
 *
 * <p>The context uses a schema of its own ({@code step5_outbox}): the outbox is a table, and any
 * relay on the same schema (another cached test context's) would take its rows.
 *
 * <p>How the relay is caught between commit and publish, with no hook in the main code: the test
 * puts a trigger on {@code outbox} that makes every {@code DELETE} wait for an advisory lock the
 * test holds. The relay locks the oldest row, publishes it (the broker confirms), then blocks in
 * its {@code DELETE}, inside its transaction. It is a single thread, so the tweets posted after
 * that are committed, with their outbox rows, and never published while this process lives.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "twitter.messaging.role=worker",
        "twitter.schema=step5_outbox",
        "spring.datasource.hikari.maximum-pool-size=8"})
class Step5OutboxTest {

    private static final int FOLLOWERS = 300;
    private static final Duration API_START = Duration.ofSeconds(120);
    private static final long HOLD_KEY = 5_005_005L;
    /** PostgreSQL allows 100 connections for every test JVM and process on the machine. */
    private static final String SMALL_POOL = "--spring.datasource.hikari.maximum-pool-size=6";

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @Value("${twitter.messaging.prefix}")
    String queuePrefix;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    SnowflakeIds ids;

    @Autowired
    Outbox outbox;

    @Autowired
    Publisher publisher;

    @Autowired
    Topology topology;

    @Autowired
    MessageCodec codec;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    MessagingProperties messaging;

    private ApiProcessFixture apis;
    private FanOutTestSupport support;
    private Connection hold;

    @BeforeEach
    void setUp() {
        apis = new ApiProcessFixture(Step5Application.class, "step5_outbox", queuePrefix);
        support = new FanOutTestSupport(jdbc, queuePrefix);
        assertThat(outbox.backlog()).as("outbox rows before the test").isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        apis.close(); // kill -9 whatever still runs
        releaseHold();
        jdbc.sql("DROP TRIGGER IF EXISTS test_hold_outbox_deletes ON outbox").update();
        support.close();
    }

    /**
     * Proves: tweets committed (with their outbox rows) but not yet published when the API process
     * dies are published by the next relay, and every follower's feed ends up with each tweet
     * exactly once, including the tweet the dead relay had already published (it is published a
     * second time, and the idempotent workers write nothing twice).
     */
    @Test
    void theOutboxSurvivesAKillBetweenCommitAndPublish() throws Exception {
        ApiProcess first = apis.start(SMALL_POOL).awaitStarted(API_START);
        ApiClient api = first.client();
        long celebrity = api.createUser();
        List<Long> followers = support.addFollowers(ids, celebrity, FOLLOWERS);

        holdOutboxDeletes();
        long published = api.tweet(celebrity, "the relay publishes this one, then cannot delete its row");
        int relaySession = awaitRelayBlockedInDelete(first);
        // the broker confirmed it before the relay tried to delete the row: its fan-out goes through
        await("the first tweet's fan-out").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> support.followersMissing(celebrity, published) == 0);

        List<Long> unpublished = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            unpublished.add(api.tweet(celebrity, "committed, never published by this process " + i));
        }
        List<Long> all = new ArrayList<>(List.of(published));
        all.addAll(unpublished);
        assertThat(outboxTweets()).as("outbox rows at kill time").containsExactlyInAnyOrderElementsOf(all);
        for (long tweet : unpublished) {
            assertThat(support.followerRows(tweet)).as("followers' rows of unpublished tweet %d", tweet).isZero();
        }

        first.process().kill();
        // the dead relay's session still waits in its DELETE; released, it finds its client gone and rolls back
        releaseHold();
        await("the killed relay's session to end").atMost(Duration.ofSeconds(30))
                .until(() -> !support.sessionExists(relaySession));
        assertThat(outboxTweets()).as("outbox rows after the crash").containsExactlyInAnyOrderElementsOf(all);
        jdbc.sql("DROP TRIGGER test_hold_outbox_deletes ON outbox").update();

        ApiProcess second = apis.start(SMALL_POOL).awaitStarted(API_START);
        await("the restarted relay to drain the outbox and the workers to fill every feed")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> outbox.backlog() == 0
                        && all.stream().allMatch(tweet -> support.followersMissing(celebrity, tweet) == 0));

        for (long tweet : all) {
            assertThat(support.followerRows(tweet)).as("followers' rows of tweet %d", tweet).isEqualTo(FOLLOWERS);
            assertThat(support.readersWithDuplicates(tweet)).as("feeds holding tweet %d twice", tweet).isEmpty();
        }
        // as followers read it, over HTTP from the new API process: all four tweets, newest first
        List<Long> newestFirst = new ArrayList<>(all);
        newestFirst.sort(java.util.Comparator.reverseOrder());
        ApiClient restarted = second.client();
        for (int i : new Random(celebrity).ints(8, 0, FOLLOWERS).toArray()) {
            assertThat(restarted.page(followers.get(i), 20, null).ids()).as("feed of follower %d", followers.get(i))
                    .containsExactlyElementsOf(newestFirst);
        }
        assertThat(support.ready(topology.deadLetterQueue())).as("dead letters").isZero();

        // stopped gracefully, the relay finishes and the process exits by itself
        second.process().terminate();
        assertThat(second.process().awaitExit(Duration.ofSeconds(60))).as("exit code").isEqualTo(143);
        assertThat(second.process().log()).contains("outbox relay stopped")
                // the new dispatcher saw the first tweet again (the dead relay had published it
                // before its DELETE rolled back) and the three that were never published
                .contains("stopped consuming " + topology.fanOutQueue() + " after 4 messages (0 retried, 0 dead-lettered)");
    }

    /**
     * Proves: two relays side by side on one outbox (each in its own transactions, as two processes
     * would be) publish every row exactly once: SKIP LOCKED gives each relay rows the other does not
     * hold. Nothing consumes the events queue in this context, so the test counts the messages there.
     */
    @Test
    void twoRelaysSideBySidePublishEveryRowExactlyOnce() throws Exception {
        int events = 3000;
        String eventsQueue = topology.fanOutQueue();
        assertThat(support.consumers(eventsQueue)).as("consumers of the events queue (none: the test counts)").isZero();
        support.purge(eventsQueue);

        TransactionTemplate transaction = new TransactionTemplate(transactions);
        Set<Long> emitted = new HashSet<>();
        for (int from = 0; from < events; from += 500) {
            transaction.executeWithoutResult(status -> {
                for (int i = 0; i < 500; i++) {
                    long tweet = ids.next();
                    emitted.add(tweet);
                    outbox.emit(new FeedEvent.TweetPosted(tweet, 42));
                }
            });
        }
        assertThat(outbox.backlog()).isEqualTo(events);

        OutboxRelay left = new OutboxRelay(outbox, publisher, topology, new TransactionTemplate(transactions), messaging.batchSize(), ObservationRegistry.NOOP);
        OutboxRelay right = new OutboxRelay(outbox, publisher, topology, new TransactionTemplate(transactions), messaging.batchSize(), ObservationRegistry.NOOP);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int movedLeft;
        int movedRight;
        try {
            Future<Integer> leftMoved = pool.submit(() -> drain(left, go));
            Future<Integer> rightMoved = pool.submit(() -> drain(right, go));
            go.countDown();
            movedLeft = leftMoved.get();
            movedRight = rightMoved.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(movedLeft + movedRight).as("rows moved by both relays").isEqualTo(events);
        assertThat(movedLeft).as("rows moved by the first relay").isPositive();
        assertThat(movedRight).as("rows moved by the second relay").isPositive();
        assertThat(outbox.backlog()).as("outbox rows left").isZero();

        List<Long> received = new ArrayList<>();
        for (GetResponse message = support.take(eventsQueue); message != null; message = support.take(eventsQueue)) {
            received.add(((FeedEvent.TweetPosted) codec.decode(message.getProps().getType(), message.getBody())).tweetId());
        }
        assertThat(received).as("messages published").hasSize(events).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(emitted);
    }

    /** Runs the relay's own step, one batch per transaction, until it finds no row it can lock. */
    private static int drain(OutboxRelay relay, CountDownLatch go) throws InterruptedException {
        go.await();
        int total = 0;
        for (int moved = relay.relayOnce(); moved > 0; moved = relay.relayOnce()) {
            total += moved;
        }
        return total;
    }

    private List<Long> outboxTweets() {
        return jdbc.sql("SELECT tweet_id FROM outbox WHERE event = 'TweetPosted'").query(Long.class).list();
    }

    /** Every DELETE on the outbox waits for an advisory lock that the test holds in a session of its own. */
    private void holdOutboxDeletes() throws SQLException {
        jdbc.sql("""
                CREATE OR REPLACE FUNCTION test_hold_outbox_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock_shared(%d);
                    RETURN NULL;
                END $$""".formatted(HOLD_KEY)).update();
        jdbc.sql("""
                CREATE TRIGGER test_hold_outbox_deletes BEFORE DELETE ON outbox
                FOR EACH STATEMENT EXECUTE FUNCTION test_hold_outbox_deletes()""").update();
        hold = dataSource.getConnection();
        try (Statement statement = hold.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + HOLD_KEY + ")");
        }
    }

    private void releaseHold() throws SQLException {
        if (hold != null) {
            try (Statement statement = hold.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + HOLD_KEY + ")");
            } finally {
                hold.close();
                hold = null;
            }
        }
    }

    /** The API process's relay session, waiting in its DELETE on the test's advisory lock. */
    private int awaitRelayBlockedInDelete(ApiProcess api) {
        Integer[] session = new Integer[1];
        await("the relay to block in its DELETE").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    session[0] = jdbc.sql("""
                                    SELECT pid FROM pg_stat_activity
                                    WHERE application_name = :api AND query LIKE 'DELETE FROM outbox%'
                                      AND wait_event_type = 'Lock' AND wait_event = 'advisory'""")
                            .param("api", api.name()).query(Integer.class).optional().orElse(null);
                    return session[0] != null;
                });
        return session[0];
    }
}
