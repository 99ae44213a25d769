package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.ApiProcessFixture;
import dev.twitterarch.common.testing.ApiProcessFixture.ApiProcess;
import dev.twitterarch.common.testing.RawHttp;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.common.testing.TestTokens;
import tools.jackson.databind.JsonNode;

/**
 * Live delivery across two API processes: A is this test's application (API and workers), B a
 * separate API JVM on the same database, queues and Redis ({@link ApiProcessFixture}). Sockets are
 * open on both; a tweet posted through one reaches its author's connected followers on either, as
 * the feed item it is; connected users who do not follow the author receive nothing; a deleted
 * tweet is announced as deleted; a celebrity's tweet, which is not fanned out, still reaches its
 * connected followers, and not an ex-follower.
 *
 * <p>Two API processes share the queues, so this process cannot tell when the fan-out is quiescent
 * (the other one dispatches some of its events): the test awaits what it needs to see instead.
 * "Receives nothing" is shown without waiting a fixed time: after the tweet has reached the
 * followers, a user the non-followers do follow posts, and that tweet must be the first frame the
 * non-followers get (each process's events leave in order, so a stray frame would have come first).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.schema=step6_live",
        "twitter.feed.celebrity-threshold=" + Step6LiveFeedTest.THRESHOLD,
        "twitter.auth.jwt-secret=" + TestTokens.SECRET})
class Step6LiveFeedTest extends Step6ApplicationTest {

    static final int THRESHOLD = 2;
    private static final Duration LIVE = Duration.ofSeconds(10);
    private static final Pattern BINDINGS = Pattern.compile("(?m)^twitter_live_bindings\\{[^}]*} ([0-9.]+)$");

    private static ApiProcessFixture processes;
    private static ApiProcess b;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @Value("${twitter.messaging.prefix}")
    String queuePrefix;

    @Autowired
    JdbcClient jdbc;

    /** Process B, started once for the class: same schema, queues, Redis keyspace, token key and threshold. */
    @BeforeEach
    void startB() {
        if (b == null) {
            processes = new ApiProcessFixture(Step6Application.class, "step6_live", queuePrefix);
            b = processes.start(
                    "--spring.datasource.hikari.maximum-pool-size=6", // PostgreSQL's 100 connections are for every test JVM and process
                    "--twitter.feed.celebrity-threshold=" + THRESHOLD,
                    "--twitter.auth.jwt-secret=" + TestTokens.SECRET,
                    "--spring.data.redis.host=" + TestServices.redis().host(),
                    "--spring.data.redis.port=" + TestServices.redis().port(),
                    "--spring.data.redis.database=" + TestServices.TEST_REDIS_DATABASE)
                    .awaitStarted(Duration.ofSeconds(180));
        }
    }

    @AfterAll
    static void stopB() {
        if (processes != null) {
            processes.close();
        }
        b = null;
    }

    @Test
    void aTweetReachesItsConnectedFollowersOnEitherProcessAndNobodyElse() {
        long author = api.createUser();
        long f1 = api.createUser();
        long f2 = api.createUser();
        long n1 = api.createUser();
        long n2 = api.createUser();
        long marker = api.createUser();
        api.follow(f1, author).expect(201);
        api.follow(f2, author).expect(201);
        api.follow(n1, marker).expect(201);
        api.follow(n2, marker).expect(201);

        try (LiveClient f1OnB = LiveClient.withToken("f1 on B", b.port(), TestTokens.valid(TestTokens.SECRET, f1));
             LiveClient f2OnA = LiveClient.asHeader("f2 on A", port, f2);
             LiveClient n1OnB = LiveClient.asHeader("n1 on B", b.port(), n1);
             LiveClient n2OnA = LiveClient.asHeader("n2 on A", port, n2)) {
            long tweet = api.tweet(author, "live, through A");
            JsonNode onB = f1OnB.nextTweet(tweet, LIVE);
            JsonNode onA = f2OnA.nextTweet(tweet, LIVE);
            JsonNode item = await("the tweet in f1's feed").atMost(LIVE)
                    .until(() -> api.get("/api/feed/?limit=1", f1).expect(200).json().get("items").get(0),
                            first -> first.get("id").asLong() == tweet);
            assertThat(onB).as("the frame's tweet is the feed item").isEqualTo(item);
            assertThat(onA).isEqualTo(item);

            long marked = b.client().tweet(marker, "what the non-followers do follow, through B");
            n1OnB.nextTweet(marked, LIVE);
            n2OnA.nextTweet(marked, LIVE);

            long second = b.client().tweet(author, "live, through B");
            f1OnB.nextTweet(second, LIVE);
            f2OnA.nextTweet(second, LIVE); // not the marker's tweet: they do not follow the marker

            api.deleteTweet(author, tweet);
            for (LiveClient follower : List.of(f1OnB, f2OnA)) {
                JsonNode deleted = follower.nextChange(LIVE);
                assertThat(deleted.path("type").asString()).as("%s", deleted).isEqualTo("deleted");
                assertThat(deleted.path("tweet_id").asLong()).isEqualTo(tweet);
            }
        }
    }

    @Test
    void aCelebrityTweetReachesItsConnectedFollowersThoughItIsNotFannedOut() throws Exception {
        long star = api.createUser();
        long f1 = api.createUser();
        long f2 = api.createUser();
        long f3 = api.createUser();
        long n = api.createUser();
        long marker = api.createUser();
        api.follow(f1, star).expect(201);
        api.follow(f2, star).expect(201);
        api.follow(f2, marker).expect(201);
        api.follow(n, marker).expect(201);
        try (LiveClient f1OnB = LiveClient.asHeader("f1 on B", b.port(), f1)) {
            double before = bindingsOf(b);
            api.follow(f3, star).expect(201); // the third follower: the star is a celebrity now, and f1's socket is open
            await("process B binds the new celebrity for f1").atMost(LIVE).until(() -> bindingsOf(b) == before + 1);
            try (LiveClient f2OnA = LiveClient.asHeader("f2 on A", port, f2);
                 LiveClient nOnB = LiveClient.asHeader("n on B", b.port(), n)) {
                long tweet = api.tweet(star, "from a star, to whoever is connected");
                f1OnB.nextTweet(tweet, LIVE);
                f2OnA.nextTweet(tweet, LIVE);
                assertThat(jdbc.sql("SELECT user_id FROM feed_items WHERE tweet_id = :tweet").param("tweet", tweet)
                        .query(Long.class).list()).as("the star's tweet is not fanned out").containsExactly(star);

                api.unfollow(f2, star);
                long second = api.tweet(star, "not for an ex-follower");
                f1OnB.nextTweet(second, LIVE);
                long marked = api.tweet(marker, "for those who follow the marker");
                f2OnA.nextTweet(marked, LIVE); // not the star's second tweet: f2 unfollowed
                nOnB.nextTweet(marked, LIVE);  // nor either of the star's
            }
        }
    }

    @Test
    void theHandshakeIsRefusedWithAProblemUnlessItIsAnAuthenticatedWebSocket() {
        RawHttp.Reply anonymous = RawHttp.send(port, RawHttp.request("GET " + LiveFeedSocket.PATH + " HTTP/1.1",
                "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
        assertThat(anonymous.body()).contains("POST /api/auth/login");

        RawHttp.Reply badToken = RawHttp.send(b.port(), RawHttp.request("GET " + LiveFeedSocket.PATH + "?access_token=not.a.jwt HTTP/1.1",
                "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
        assertThat(badToken.status()).isEqualTo(401);
        assertThat(badToken.header("Content-Type")).startsWith("application/problem+json");

        ApiClient.Response plainGet = api.get(LiveFeedSocket.PATH, api.createUser());
        assertThat(plainGet.status()).isEqualTo(426);
        assertThat(plainGet.contentType()).startsWith("application/problem+json");
        assertThat(plainGet.header("Upgrade")).isEqualTo("websocket");

        ApiClient.Response post = api.postJson(LiveFeedSocket.PATH, api.createUser(), java.util.Map.of());
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.contentType()).startsWith("application/problem+json");
    }

    @Test
    void theServerInfoNamesTheLiveFeed() {
        assertThat(api.get("/api/info", null).expect(200).json().get("live_feed").asString()).isEqualTo(LiveFeedSocket.PATH);
    }

    /** Process B's {@code twitter_live_bindings}, from its /metrics. */
    private static double bindingsOf(ApiProcess process) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + process.port() + "/metrics")).build(), BodyHandlers.ofString()).body();
        Matcher matcher = BINDINGS.matcher(metrics);
        assertThat(matcher.find()).as("twitter_live_bindings in B's /metrics").isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
