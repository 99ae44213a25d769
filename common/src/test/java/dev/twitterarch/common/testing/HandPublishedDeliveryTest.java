package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.FanOutTracker;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * The base of the asynchronous steps' delivery tests: tests that publish odd messages by hand,
 * exactly where the application publishes its own, next to what the API sends, and then wait for
 * everything to be settled. The application runs whole (API and workers, the default role) in the
 * test's process on a random port; the subclass says which queues must be empty ({@link #queuesEmpty}).
 *
 * <p>Waiting: {@link FanOutTracker} compares what this process published with what it settled
 * (acknowledged or dead-lettered). A message published by hand was never counted as published,
 * so the subclass reports each one ({@link #publishedByHand}) and {@link #awaitSettled} waits for
 * {@code settled = published + published by hand}, and empty queues. Earlier tests' hand-published
 * messages are taken as the starting balance.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class HandPublishedDeliveryTest {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    protected int port;

    @Value("${twitter.messaging.prefix}")
    protected String queuePrefix;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected SnowflakeIds ids;

    @Autowired
    protected FanOutTracker tracker;

    /** The consumer's ERROR lines about the poison messages these tests publish: asserted, not printed. */
    @RegisterExtension
    protected final ExpectedErrors expectedErrors = ExpectedErrors.from(QueueConsumer.class);

    protected FanOutTestSupport support;
    protected ApiClient api;
    private long unbalancedBefore;
    private long publishedByHand;

    @BeforeEach
    void connectAndSettle() {
        api = new ApiClient(port);
        support = new FanOutTestSupport(jdbc, queuePrefix);
        support.purge(support.topology.deadLetterQueue());
        await("queues left by earlier tests to drain").atMost(Duration.ofSeconds(60)).until(this::queuesEmpty);
        unbalancedBefore = tracker.settled() - tracker.published(); // earlier tests' messages published by hand
    }

    @AfterEach
    void disconnect() throws Exception {
        support.close();
    }

    /** True when none of the queues this step's messages go through holds a ready message. */
    protected abstract boolean queuesEmpty();

    /** Counts one message the test published itself, so {@link #awaitSettled} expects it settled too. */
    protected void publishedByHand() {
        publishedByHand++;
    }

    /** Every message published (by the API, the workers' retries and dispatches, by hand) has been settled, and none waits in a queue. */
    protected void awaitSettled() {
        await("fan-out to settle").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> tracker.settled() - tracker.published() == unbalancedBefore + publishedByHand && queuesEmpty());
    }

    /** {@code count} new users, each following {@code author} over HTTP. */
    protected List<Long> followersOf(long author, int count) {
        List<Long> followers = IntStream.range(0, count).mapToObj(i -> api.createUser()).toList();
        followers.forEach(follower -> api.follow(follower, author).expect(201));
        return followers;
    }

    protected void assertNothingDeadLettered() {
        assertThat(support.ready(support.topology.deadLetterQueue())).as("dead-lettered").isZero();
    }
}
