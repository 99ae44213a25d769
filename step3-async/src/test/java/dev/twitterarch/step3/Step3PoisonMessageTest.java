package dev.twitterarch.step3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.rabbitmq.client.GetResponse;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.FanOutTestSupport;
import dev.twitterarch.common.testing.FeedRowLock;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.WorkerProcessFixture;
import dev.twitterarch.common.testing.WorkerProcessFixture.Worker;

/**
 * A poison message that kills the worker process: no handler ever returns, so no worker can count
 * its attempts. The broker does: the fan-out queue is a quorum queue with a delivery limit, and
 * this test pins how the broker on this machine applies it (RabbitMQ's semantics changed in 4.x:
 * a default limit of 20, and from 4.3 only failed deliveries count).
 *
 * <p>The poison is a celebrity's tweet whose fan-out blocks on a feed row the test holds
 * ({@link FeedRowLock}); each time a worker process is caught blocked on it, the test kills it
 * ({@code kill -9}) and starts another. Five ordinary tweets wait behind the poison, and the first
 * worker prefetched them: its death returned them with the poison, one delivery charged to each.
 * Had every later worker prefetched them again, every later death would charge them again, and they
 * would reach the limit with the poison. They do not: a worker that starts takes one message at a
 * time until it has seen the redelivered ones through, so only the message in hand (the poison) is
 * charged for its death. After {@code delivery-limit} returns the broker dead-letters the poison by
 * itself, and the five tweets are fanned out exactly once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.messaging.role=api", "twitter.messaging.delivery-limit=" + Step3PoisonMessageTest.DELIVERY_LIMIT})
@DirtiesContext // a context of its own (the delivery limit); closed after the class, it holds no connections for the rest of the run
class Step3PoisonMessageTest {

    static final int DELIVERY_LIMIT = 2;
    private static final int FOLLOWERS = 300;
    private static final int ORDINARY_TWEETS = 5;
    private static final Duration WORKER_START = Duration.ofSeconds(90);

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    SnowflakeIds ids;

    @Value("${twitter.messaging.prefix}")
    String queuePrefix;

    private WorkerProcessFixture workers;
    private FanOutTestSupport support;
    private ApiClient api;
    private FeedRowLock lock;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        workers = new WorkerProcessFixture(Step3Application.class, "step3", queuePrefix);
        support = new FanOutTestSupport(jdbc, queuePrefix);
        support.purge(support.topology.deadLetterQueue());
        assertThat(support.ready(fanOutQueue())).as("messages in the fan-out queue before the test").isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.close();
        if (lock != null) {
            lock.release();
        }
        support.close();
    }

    @Test
    void aMessageThatKillsEveryWorkerIsDeadLetteredByTheBrokerAndTheQueueFlowsOn() throws Exception {
        long celebrity = api.createUser();
        List<Long> fans = support.addFollowers(ids, celebrity, FOLLOWERS);
        long author = api.createUser();
        List<Long> readers = support.addFollowers(ids, author, 3); // straight into the tables: no events queue up
        long poison = api.tweet(celebrity, "the tweet no worker survives");
        List<Long> ordinary = new ArrayList<>();
        for (int i = 0; i < ORDINARY_TWEETS; i++) {
            ordinary.add(api.tweet(author, "ordinary tweet " + i));
        }
        await("the tweets' messages in the queue").atMost(Duration.ofSeconds(10))
                .until(() -> support.ready(fanOutQueue()) == 1 + ORDINARY_TWEETS);
        lock = FeedRowLock.hold(dataSource, fans.get(FOLLOWERS / 2), poison, celebrity);

        int deaths = 0;
        while (support.ready(support.topology.deadLetterQueue()) == 0) {
            assertThat(deaths).as("worker deaths so far, and still no dead letter").isLessThan(DELIVERY_LIMIT + 3);
            Worker worker = workers.start("--twitter.messaging.delivery-limit=" + DELIVERY_LIMIT);
            awaitBlockedOnThePoison(worker);
            if (deaths == 0) {
                assertThat(support.ready(fanOutQueue())).as("messages the first worker left in the queue (it prefetched all)")
                        .isZero();
            }
            worker.kill();
            deaths++;
            // every message the dead worker held is back: in the queue, or (the poison, past its limit) dead-lettered
            await("the dead worker's messages back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> support.ready(fanOutQueue()) + support.ready(support.topology.deadLetterQueue())
                            == 1 + ordinary.stream().filter(tweet -> support.followersMissing(author, tweet) > 0).count());
        }
        GetResponse dead = support.awaitDeadLetter();

        // what this broker does: it dead-letters after delivery-limit returns, i.e. on the death after them
        System.out.printf("poison message: dead-lettered by RabbitMQ %s after %d worker deaths (delivery limit %d)%n",
                brokerVersion(), deaths, DELIVERY_LIMIT);
        assertThat(deaths).as("worker deaths before the broker dead-lettered the poison").isEqualTo(DELIVERY_LIMIT + 1);
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8))
                .isEqualTo("{\"tweetId\":" + poison + ",\"authorId\":" + celebrity + "}");
        Map<String, Object> death = FanOutTestSupport.deathOf(dead);
        assertThat(String.valueOf(death.get("reason"))).as("why it was dead-lettered").isEqualTo("delivery_limit");
        assertThat(String.valueOf(death.get("queue"))).as("where from").isEqualTo(fanOutQueue());

        // the queue flows on: the ordinary tweets, returned at the first death, are fanned out once
        releaseLock();
        workers.start("--twitter.messaging.delivery-limit=" + DELIVERY_LIMIT).awaitLog("consuming " + fanOutQueue(), WORKER_START);
        await("the ordinary tweets to reach their readers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> ordinary.stream().allMatch(tweet -> support.followersMissing(author, tweet) == 0));
        for (long tweet : ordinary) {
            assertThat(support.followerRows(tweet)).as("readers' rows of tweet %d", tweet).isEqualTo(readers.size());
        }
        for (long reader : readers) {
            assertThat(api.page(reader, 20, null).ids()).as("feed of reader %d", reader)
                    .containsExactlyElementsOf(newestFirst(ordinary));
        }
        assertThat(support.followerRows(poison)).as("fans' rows of the poison tweet").isZero();
        await("the fan-out queue to drain").atMost(Duration.ofSeconds(30)).until(() -> support.ready(fanOutQueue()) == 0);
        assertThat(support.take(support.topology.deadLetterQueue())).as("another dead letter (an ordinary tweet)").isNull();
    }

    /**
     * Waits until the worker sits in the poison's fan-out, blocked: on the test's row, or (from the
     * second worker on) on the rows the killed worker's session wrote before it blocked there: that
     * session lives on, waiting for the test's row, until the test lets go of it.
     */
    private void awaitBlockedOnThePoison(Worker worker) {
        await(worker + " to block on the poison").atMost(WORKER_START).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!worker.isAlive()) {
                        throw new AssertionError(worker + " died:\n" + worker.log());
                    }
                    return jdbc.sql("""
                                    SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                                                   WHERE application_name = :worker AND wait_event_type = 'Lock'
                                                     AND query LIKE 'INSERT INTO feed_items%')""")
                            .param("worker", worker.name()).query(Boolean.class).single();
                });
    }

    private String brokerVersion() {
        try (var connection = TestServices.rabbitmq().connectionFactory().newConnection("version-probe")) {
            return String.valueOf(connection.getServerProperties().get("version"));
        } catch (Exception e) {
            return "(version unknown: " + e + ")";
        }
    }

    private static List<Long> newestFirst(List<Long> tweets) {
        List<Long> reversed = new ArrayList<>(tweets);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    private void releaseLock() throws SQLException {
        lock.release();
        lock = null;
    }

    private String fanOutQueue() {
        return support.topology.fanOutQueue();
    }
}
