package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.PostingBurst.Post;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;

/**
 * RabbitMQ goes away under steady posting and comes back; the application must come back with it,
 * by itself. The application (API and workers, the default role) talks to the broker through a
 * {@link TcpProxy}: the real broker is shared with other test runs and is never restarted. Two
 * kinds of outage: the broker {@linkplain Outage#RESTART restarting} (connections closed, then
 * refused) and the network {@linkplain Outage#BLACK_HOLE cut} (connections closed, then new ones
 * accepted and never answered). Each lasts until the client has failed to reconnect twice on each
 * of its two connections, and until the clients have had 40 answers during it.
 *
 * <p>Whatever the step, afterwards: every answer was a 201 or a clean refusal (503 problem+json with
 * {@code Retry-After}), none took longer than a publish's bounded waits, the fan-out resumed within
 * 10 s of the broker's return, and no feed row exists that should not. Then the step's own
 * promise: step 5 accepts every post and loses nothing ({@link #lossless()}); steps 3-4 refuse
 * posts while they know the broker is gone and lose only the events in flight when it went, each
 * one counted ({@link #lostEventsCounted()}). A line of figures is printed for the README.
 */
// its own context (the proxy), closed after the class: a cached context would hold its connections for the rest of the run
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.datasource.hikari.maximum-pool-size=6")
@DirtiesContext
public abstract class BrokerOutageTest {

    /** Between the application and RabbitMQ. */
    protected static final TcpProxy BROKER = new TcpProxy(TestServices.rabbitmq().host(), TestServices.rabbitmq().port());

    private static final int FOLLOWERS = 20;
    private static final int CLIENTS = 4;
    /** Each client's pause between an answer and its next post: up to 80 posts a second in all. */
    private static final Duration PACE = Duration.ofMillis(50);
    private static final int POSTS_DURING_OUTAGE = 40;
    /** Connections of the application: one to publish, one to consume. */
    private static final int CONNECTIONS = 2;
    /** The longest a POST may take: waiting for a channel, then for a confirm (Publisher.WAIT each), and some slack. */
    private static final Duration LONGEST_POST = Duration.ofSeconds(12);
    private static final Duration RESUMES_WITHIN = Duration.ofSeconds(10);

    /** How the broker goes away. */
    protected enum Outage {
        /** The broker restarts: connections closed, new ones refused. */
        RESTART,
        /** The network is cut: connections closed, new ones accepted and never answered. */
        BLACK_HOLE
    }

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
        registry.add("spring.rabbitmq.host", BROKER::host);
        registry.add("spring.rabbitmq.port", BROKER::port);
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
    protected Topology topology;

    @Autowired
    protected Rabbit rabbit;

    protected ApiClient api;
    protected FanOutTestSupport support;
    private boolean disturbed;

    /** The application is connected (an earlier test's outage is over, and the client has noticed). */
    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        support = new FanOutTestSupport(jdbc, queuePrefix);
        await("the application's connections to RabbitMQ").atMost(Duration.ofSeconds(60)).until(rabbit::isOpen);
    }

    @AfterEach
    void disconnect() throws Exception {
        if (disturbed) {
            BROKER.restore(); // closes every connection, so only after an outage
        }
        support.close();
    }

    /** True for a step with a transactional outbox: it accepts every post during the outage and loses nothing. */
    protected abstract boolean lossless();

    /** Events this step counted as lost so far (its metric); 0 for a lossless step. */
    protected abstract long lostEventsCounted();

    /**
     * The lines in which this step logged, during this test, each event it lost (a lossy step keeps
     * them with {@link ExpectedErrors}, off the console); none for a lossless step.
     */
    protected List<String> lostEventLog() {
        return List.of();
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void theStepComesBackByItselfAfterTheBrokerWasAway(Outage outage) {
        long author = api.createUser();
        List<Long> followers = support.addFollowers(ids, author, FOLLOWERS);
        long before = api.tweet(author, "before the outage");
        awaitFannedOut(author, before, Duration.ofSeconds(60));
        long lostBefore = lostEventsCounted();

        PostingBurst burst = new PostingBurst(api, author, CLIENTS, PACE);
        try {
            await("posts before the outage").atMost(Duration.ofSeconds(60)).until(() -> burst.answered() >= 20);
            int answeredBeforeOutage = burst.answered();
            long attemptsBefore = BROKER.accepted();
            long outageStarted = System.nanoTime();
            disturbed = true;
            if (outage == Outage.RESTART) {
                BROKER.refuse();
            } else {
                BROKER.cut();
            }
            await("the outage: " + POSTS_DURING_OUTAGE + " answers, and two failed reconnections per connection")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> burst.answered() >= answeredBeforeOutage + POSTS_DURING_OUTAGE
                            && BROKER.accepted() >= attemptsBefore + 2L * CONNECTIONS);
            int answeredDuringOutage = burst.answered();
            long restored = System.nanoTime();
            BROKER.restore();
            disturbed = false;
            long fannedOutAtReturn = fannedOut(author); // nothing moves while the broker is away

            await("the fan-out to resume: one more tweet fanned out to all its followers").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> fannedOut(author) > fannedOutAtReturn);
            Duration resumed = Duration.ofNanos(System.nanoTime() - restored);
            await("posts after the outage").atMost(Duration.ofSeconds(60)).until(() -> burst.answered() >= answeredDuringOutage + 20);
            burst.close();

            awaitEverythingDelivered(author);
            report(outage, burst.posts(), answeredBeforeOutage, answeredDuringOutage, author, followers,
                    Duration.ofNanos(restored - outageStarted), resumed, lostEventsCounted() - lostBefore);
        } finally {
            burst.close();
        }
    }

    /**
     * Once a marker tweet posted after everything else is fanned out, every event published
     * before it has been handled (the queues are first in, first out, and so is the outbox).
     */
    private void awaitEverythingDelivered(long author) {
        long[] marker = new long[1];
        await("a marker tweet to be accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    ApiClient.Response response = api.postJson("/api/tweets/", author, Map.of("content", "marker"));
                    if (response.status() == 201) {
                        marker[0] = response.json().get("id").asLong();
                    }
                    return response.status() == 201;
                });
        awaitFannedOut(author, marker[0], Duration.ofSeconds(120));
        boolean outbox = jdbc.sql("SELECT to_regclass('outbox') IS NOT NULL").query(Boolean.class).single();
        await("queues (and outbox) to drain").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> topology.workQueues().stream().allMatch(queue -> support.ready(queue) == 0)
                        && (!outbox || jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single() == 0));
    }

    private void report(Outage outage, List<Post> posts, int beforeOutage, int duringOutage, long author, List<Long> followers,
                        Duration outageLasted, Duration resumed, long counted) {
        List<Post> accepted = posts.stream().filter(post -> post.status() == 201).toList();
        List<Post> refused = posts.stream().filter(post -> post.status() == 503).toList();
        List<Post> other = posts.stream().filter(Predicate.not(post -> post.status() == 201 || post.status() == 503)).toList();
        long lost = accepted.stream().filter(post -> support.followersMissing(author, post.tweetId()) > 0).count();
        long incomplete = accepted.stream().filter(post -> {
            long missing = support.followersMissing(author, post.tweetId());
            return missing > 0 && missing < FOLLOWERS;
        }).count();
        long stray = jdbc.sql("""
                        SELECT count(*) FROM feed_items fi JOIN tweets t ON t.id = fi.tweet_id AND t.user_id = fi.author_id
                        WHERE t.user_id = :author AND fi.user_id <> :author
                          AND NOT EXISTS (SELECT 1 FROM followers f WHERE f.user_id = :author AND f.follower_id = fi.user_id)""")
                .param("author", author).query(Long.class).single();
        long longest = posts.stream().mapToLong(Post::millis).max().orElse(0);
        long refusedDuring = posts.subList(beforeOutage, duringOutage).stream().filter(post -> post.status() == 503).count();

        System.out.printf("%s, broker %s, %s: %d posts (%d during the %.1f s outage): %d accepted, %d refused (503), %d other;"
                        + " lost fan-out %d (counted %d), incomplete %d, stray rows %d; longest POST %d ms;"
                        + " fan-out resumed %.1f s after the broker's return%n",
                LocalDate.now(), outage.name().toLowerCase().replace('_', ' '), getClass().getSimpleName(), posts.size(),
                duringOutage - beforeOutage, outageLasted.toMillis() / 1000.0, accepted.size(), refused.size(), other.size(),
                lost, counted, incomplete, stray, longest, resumed.toMillis() / 1000.0);

        assertThat(other).as("answers other than 201 and 503").isEmpty();
        for (Post post : refused) {
            assertThat(post.contentType()).as("type of a refusal").startsWith("application/problem+json");
            assertThat(post.retryAfter()).as("Retry-After of a refusal: %s", post.body()).isNotBlank();
        }
        assertThat(longest).as("the longest POST, in ms").isLessThan(LONGEST_POST.toMillis());
        assertThat(resumed).as("time from the broker's return to a new tweet fanned out").isLessThan(RESUMES_WITHIN);
        assertThat(incomplete).as("tweets fanned out to some of the followers only").isZero();
        assertThat(stray).as("feed rows of the author's tweets outside the followers' feeds").isZero();
        for (Post post : accepted) {
            assertThat(support.readersWithDuplicates(post.tweetId())).as("feeds holding tweet %d twice", post.tweetId()).isEmpty();
        }
        if (lossless()) {
            assertThat(refused).as("posts refused by a step with an outbox").isEmpty();
            assertThat(lost).as("accepted tweets never fanned out").isZero();
            assertThat(counted).as("events counted as lost").isZero();
        } else {
            assertThat(refusedDuring).as("posts refused while the broker was away").isPositive();
            // a publish whose confirm was lost with the connection may have reached the queue all the same
            assertThat(lost).as("accepted tweets never fanned out, against the events counted as lost").isLessThanOrEqualTo(counted);
            assertThat(counted).as("events counted as lost: at most the requests in flight when it went").isLessThanOrEqualTo(CLIENTS);
            assertThat(lostEventLog()).as("one line per event counted as lost").hasSize((int) counted)
                    .allMatch(line -> line.startsWith("fan-out lost: "));
        }
    }

    /** The author's tweets that every follower has in their feed. */
    private long fannedOut(long author) {
        return jdbc.sql("""
                        SELECT count(*) FROM tweets t
                        WHERE t.user_id = :author
                          AND (SELECT count(*) FROM feed_items fi WHERE fi.tweet_id = t.id AND fi.user_id <> :author) = :followers""")
                .param("author", author).param("followers", FOLLOWERS).query(Long.class).single();
    }

    private void awaitFannedOut(long author, long tweet, Duration timeout) {
        await("tweet " + tweet + " to be fanned out").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> support.followersMissing(author, tweet) == 0);
    }
}
