package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.PostingBurst.Post;

/**
 * PostgreSQL goes away under mixed traffic (posts and feed reads) and comes back. The application
 * (API and workers) reaches the database through a {@link TcpProxy}; the test itself looks at the
 * database directly. The real server is shared with other test runs and is never stopped.
 *
 * <p>During the outage every request answers 503 problem+json with {@code Retry-After} (never a
 * 500), or succeeds; afterwards the step serves again by itself, and every tweet that was
 * acknowledged (201) is stored and fanned out exactly once: the workers held their messages while
 * the database was gone instead of burning their attempts on it.
 */
// its own context (the proxy), closed after the class: a cached context would hold its connections for the rest of the run
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.datasource.hikari.maximum-pool-size=6")
@DirtiesContext
public abstract class PostgresOutageTest {

    /** Between the application and PostgreSQL. */
    protected static final TcpProxy POSTGRES;

    static {
        URI server = URI.create(TestServices.postgres().url().substring("jdbc:".length()));
        POSTGRES = new TcpProxy(server.getHost(), server.getPort());
    }

    private static final int FOLLOWERS = 20;
    private static final int CLIENTS = 3;
    private static final Duration PACE = Duration.ofMillis(100);
    /** The pool waits 5 s for a connection (spring.datasource.hikari.connection-timeout), then the request answers 503. */
    private static final Duration LONGEST_REQUEST = Duration.ofSeconds(12);
    private static final int ANSWERS_DURING_OUTAGE = 12;

    /** How the database goes away. */
    protected enum Outage {
        /** A restart: connections closed, new ones refused. */
        RESTART,
        /** A network cut: connections closed, new ones accepted and never answered. */
        BLACK_HOLE
    }

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
        registry.add("spring.datasource.url", () -> TestServices.postgres().url()
                .replaceFirst("//[^/]+/", "//" + POSTGRES.host() + ":" + POSTGRES.port() + "/"));
    }

    @LocalServerPort
    protected int port;

    @Value("${twitter.messaging.prefix}")
    protected String queuePrefix;

    @Value("${twitter.schema}")
    protected String schema;

    @org.springframework.beans.factory.annotation.Autowired
    protected SnowflakeIds ids;

    /**
     * Cutting the database under running transactions makes Spring log, at ERROR, the rollback that
     * failed after a failed commit ("Commit exception overridden by rollback exception"): the expected
     * consequence of this test's outage, kept off the console (how many depends on where the cut
     * falls, so it is not asserted). What the test checks is the client's answers and the rows.
     */
    @RegisterExtension
    final ExpectedErrors rollbacksOnADeadConnection = ExpectedErrors.fromLoggers("org.springframework.transaction",
            "org.springframework.jdbc.support");

    protected ApiClient api;
    /** Straight to the database, past the proxy. */
    protected JdbcClient direct;
    protected FanOutTestSupport support;
    private boolean disturbed;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        TestServices.Database database = TestServices.postgres();
        direct = JdbcClient.create(new DriverManagerDataSource(database.url() + "?currentSchema=" + schema, database.user(),
                database.password()));
        support = new FanOutTestSupport(direct, queuePrefix);
    }

    @AfterEach
    void disconnect() throws Exception {
        if (disturbed) {
            POSTGRES.restore();
        }
        support.close();
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void theStepAnswers503DuringTheOutageAndLosesNoAcknowledgedTweet(Outage outage) {
        long author = api.createUser();
        long reader = api.createUser();
        List<Long> followers = support.addFollowers(ids, author, FOLLOWERS);
        api.follow(reader, author).expect(201);
        long before = api.tweet(author, "before the outage");
        awaitFannedOut(author, before, Duration.ofSeconds(60));

        PostingBurst burst = PostingBurst.withReads(api, author, reader, CLIENTS, PACE);
        try {
            await("traffic before the outage").atMost(Duration.ofSeconds(60)).until(() -> burst.answered() >= 20);
            int answeredBefore = burst.answered();
            long started = System.nanoTime();
            disturbed = true;
            if (outage == Outage.RESTART) {
                POSTGRES.refuse();
            } else {
                POSTGRES.cut();
            }
            await("answers during the outage").atMost(Duration.ofSeconds(120))
                    .until(() -> burst.posts().stream().skip(answeredBefore).filter(post -> post.status() == 503).count()
                            >= ANSWERS_DURING_OUTAGE);
            int answeredDuring = burst.answered();
            long restored = System.nanoTime();
            POSTGRES.restore();
            disturbed = false;
            await("a post to be accepted again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> burst.posts().stream().anyMatch(post -> post.answeredAt() > restored && post.status() == 201));
            Duration recovered = Duration.ofNanos(System.nanoTime() - restored);
            await("traffic after the outage").atMost(Duration.ofSeconds(60)).until(() -> burst.answered() >= answeredDuring + 20);
            burst.close();

            List<Post> answers = burst.posts();
            List<Long> acknowledged = answers.stream().filter(post -> post.status() == 201).map(Post::tweetId).toList();
            await("every acknowledged tweet to be fanned out").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> acknowledged.stream().allMatch(tweet -> support.followersMissing(author, tweet) == 0));
            report(outage, answers, answeredBefore, answeredDuring, author, followers, acknowledged,
                    Duration.ofNanos(restored - started), recovered);
        } finally {
            burst.close();
        }
    }

    private void report(Outage outage, List<Post> answers, int before, int during, long author, List<Long> followers,
                        List<Long> acknowledged, Duration lasted, Duration recovered) {
        List<Post> unavailable = answers.stream().filter(post -> post.status() == 503).toList();
        List<Post> other = answers.stream().filter(post -> post.status() != 201 && post.status() != 200 && post.status() != 503)
                .toList();
        long stored = acknowledged.stream()
                .filter(tweet -> direct.sql("SELECT count(*) FROM tweets WHERE user_id = :author AND id = :id")
                        .param("author", author).param("id", tweet).query(Long.class).single() == 1)
                .count();
        long longest = answers.stream().mapToLong(Post::millis).max().orElse(0);
        long deadLetters = support.ready(support.topology.deadLetterQueue());
        System.out.printf("%s, database %s, %s: %d requests (%d during the %.1f s outage): %d posts acknowledged, all stored: %s,"
                        + " fanned out: all; %d answered 503, %d other; dead letters %d; longest request %d ms;"
                        + " serving again %.1f s after the database's return%n",
                LocalDate.now(), outage.name().toLowerCase().replace('_', ' '), getClass().getSimpleName(), answers.size(),
                during - before, lasted.toMillis() / 1000.0, acknowledged.size(), stored == acknowledged.size(), unavailable.size(),
                other.size(), deadLetters, longest, recovered.toMillis() / 1000.0);

        assertThat(other).as("answers other than 200, 201 and 503").isEmpty();
        assertThat(unavailable).as("503s during the outage").isNotEmpty();
        for (Post post : unavailable) {
            assertThat(post.contentType()).as("type of a 503").startsWith("application/problem+json");
            assertThat(post.retryAfter()).as("Retry-After of a 503: %s", post.body()).isNotBlank();
        }
        assertThat(longest).as("the longest request, in ms").isLessThan(LONGEST_REQUEST.toMillis());
        assertThat(stored).as("acknowledged tweets stored").isEqualTo(acknowledged.size());
        for (long tweet : acknowledged) {
            assertThat(support.followerRows(tweet)).as("followers' rows of tweet %d", tweet).isEqualTo(followers.size() + 1);
        }
        assertThat(deadLetters).as("messages dead-lettered because the database was away").isZero();
    }

    private void awaitFannedOut(long author, long tweet, Duration timeout) {
        await("tweet " + tweet + " to be fanned out").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> support.followersMissing(author, tweet) == 0);
    }
}
