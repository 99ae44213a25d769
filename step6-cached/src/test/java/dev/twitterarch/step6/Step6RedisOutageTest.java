package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.TcpProxy;
import dev.twitterarch.common.testing.TestServices;
import tools.jackson.databind.JsonNode;

/**
 * Redis going away and coming back, with the application running. The application reaches Redis
 * through a {@link TcpProxy} on loopback; the test cuts it (open connections closed, new ones
 * accepted and never answered, as a hung server looks) and restores it. The test's own look at
 * Redis ({@link RedisProbe}) goes straight to the server.
 *
 * <p>A schema of its own: no other context's outbox relay takes this context's events (their
 * workers would push through a Redis connection this test does not cut). An author with 3
 * followers is a celebrity here (threshold 2); the other tests' authors have one follower each.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.schema=step6_outage",
        "twitter.feed.celebrity-threshold=2"})
class Step6RedisOutageTest extends Step6ApplicationTest {

    /** A generous bound for one request while Redis hangs: a few Redis calls, each cut off at the 250 ms timeout. */
    private static final Duration SLOW_BUT_ANSWERED = Duration.ofSeconds(2);

    private static TcpProxy proxy;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
        // the registry is a map: these later values replace the real Redis address registered above
        registry.add("spring.data.redis.host", () -> redisProxy().host());
        registry.add("spring.data.redis.port", () -> redisProxy().port());
    }

    private static synchronized TcpProxy redisProxy() {
        if (proxy == null) {
            proxy = new TcpProxy(TestServices.redis().host(), TestServices.redis().port());
        }
        return proxy;
    }

    @AfterEach
    void restoreRedis() {
        redisProxy().restore(); // whatever happened, the context (cached for other tests) gets its Redis back
    }

    /**
     * Proves: with Redis unreachable, users still post (201), follow (201) and read their feeds
     * (200, exactly the model, from PostgreSQL), each request bounded by the Redis timeout rather
     * than hanging; /cache/stats says redis_up false and counts the failures. When Redis returns,
     * the timelines it kept from before the outage, which missed the outage's writes, are dropped: the
     * feeds are exact again (a tweet and a follow from the outage are in), served from the cache
     * again (hits grow), and pushes reach the timelines again.
     */
    @Test
    void redisDownAndBack() {
        long reader = api.createUser();
        long alice = api.createUser();
        long bob = api.createUser();
        api.follow(reader, alice).expect(201);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add(api.tweet(alice, "alice before " + i));
        }
        expected.add(api.tweet(reader, "reader before"));
        List<Long> bobs = new ArrayList<>(List.of(api.tweet(bob, "bob before")));
        awaitQuiescence();
        assertThat(api.wholeFeed(reader, 2)).containsExactlyElementsOf(newestFirst(expected)); // warms the timeline
        assertThat(redis.tweetIds(reader)).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode up = stats();
        assertThat(up.get("redis_up").asBoolean()).isTrue();

        redisProxy().cut();

        JsonNode down = timed("GET /cache/stats", this::stats);
        assertThat(down.get("redis_up").asBoolean()).isFalse();
        // redis_failures is read before this same request's own failed calls: it grows from the next request on
        long aliceDuring = timed("POST a tweet", () -> api.tweet(alice, "alice during the outage"));
        expected.add(aliceDuring);
        timed("POST a follow", () -> api.follow(reader, bob).expect(201));
        expected.addAll(bobs);
        bobs.add(timed("POST a tweet", () -> api.tweet(bob, "bob during the outage")));
        expected.add(bobs.get(bobs.size() - 1));
        expected.add(timed("POST a tweet", () -> api.tweet(reader, "reader during the outage")));
        awaitQuiescence();

        List<Long> during = timed("GET the feed", () -> api.page(reader, 100, null).ids());
        assertThat(during).as("the feed during the outage, from PostgreSQL").containsExactlyElementsOf(newestFirst(expected));
        assertThat(timed("GET a page", () -> api.page(reader, 3, null).ids())).containsExactlyElementsOf(newestFirst(expected).subList(0, 3));
        JsonNode stillDown = stats();
        assertThat(stillDown.get("redis_up").asBoolean()).isFalse();
        // failed calls, or calls the circuit breaker kept away from Redis
        assertThat(stillDown.get("redis_failures").asLong() + stillDown.get("redis_calls_skipped").asLong())
                .isGreaterThan(down.get("redis_failures").asLong() + down.get("redis_calls_skipped").asLong());
        assertThat(redis.tweetIds(reader)).as("the timeline in Redis missed the outage's writes: it is stale")
                .doesNotContain(aliceDuring);

        redisProxy().restore();
        awaitRedisInUse(); // the circuit breaker tries Redis again after its pause (at most 5 s)

        long hits = feed.hits();
        assertThat(api.wholeFeed(reader, 3)).as("the feed right after Redis returns")
                .containsExactlyElementsOf(newestFirst(expected));
        assertThat(redis.tweetIds(reader)).as("the timeline, refilled").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(api.wholeFeed(reader, 3)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(feed.hits()).as("pages served from the cache again").isGreaterThan(hits);
        JsonNode back = stats();
        assertThat(back.get("redis_up").asBoolean()).isTrue();
        assertThat(back.get("cached_feeds").asLong()).isPositive();

        long after = api.tweet(alice, "alice after the outage");
        expected.add(after);
        awaitQuiescence();
        hits = feed.hits();
        assertThat(api.page(reader, 100, null).ids()).containsExactlyElementsOf(newestFirst(expected));
        assertThat(feed.hits()).as("the pushed timeline answers").isEqualTo(hits + 1);
        assertThat(redis.tweetIds(reader)).contains(after);
    }

    /**
     * Proves: with Redis down, a reader's page still merges the tweets of the celebrities they
     * follow, from PostgreSQL (the celebrities table and tweets), also a celebrity's tweet posted
     * during the outage (it has no follower rows at all); once Redis is back, the cached pages are
     * the same.
     */
    @Test
    void redisDownStillMergesCelebrities() {
        long star = api.createUser();
        long reader = api.createUser();
        api.follow(reader, star).expect(201);
        api.follow(api.createUser(), star).expect(201);
        api.follow(api.createUser(), star).expect(201);
        List<Long> expected = new ArrayList<>(List.of(api.tweet(star, "before"), api.tweet(reader, "own, before")));
        awaitQuiescence();
        assertThat(api.wholeFeed(reader, 1)).containsExactlyElementsOf(newestFirst(expected)); // cached, merged

        redisProxy().cut();
        expected.add(timed("POST a celebrity's tweet", () -> api.tweet(star, "during the outage")));
        awaitQuiescence();
        assertThat(timed("GET the feed", () -> api.page(reader, 10, null).ids()))
                .as("merged from PostgreSQL").containsExactlyElementsOf(newestFirst(expected));
        assertThat(timed("GET a page", () -> api.page(reader, 1, null).ids())).containsExactly(newestFirst(expected).get(0));

        redisProxy().restore();
        awaitRedisInUse();
        assertThat(api.wholeFeed(reader, 1)).as("merged from Redis again").containsExactlyElementsOf(newestFirst(expected));
        long hits = feed.hits();
        assertThat(api.wholeFeed(reader, 2)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(feed.hits()).isGreaterThan(hits);
    }

    /**
     * Proves: a Redis that refuses connections (stopped, rather than hung) is the same to users:
     * posts and reads answer from PostgreSQL, and the cache is used again when it returns.
     */
    @Test
    void redisRefusingConnections() {
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        long before = api.tweet(author, "before");
        awaitQuiescence();
        assertThat(api.page(reader, 10, null).ids()).containsExactly(before);

        redisProxy().refuse();
        long during = timed("POST a tweet", () -> api.tweet(author, "during"));
        awaitQuiescence();
        assertThat(timed("GET the feed", () -> api.page(reader, 10, null).ids())).containsExactly(during, before);
        assertThat(stats().get("redis_up").asBoolean()).isFalse();

        redisProxy().restore();
        awaitRedisInUse();
        assertThat(api.page(reader, 10, null).ids()).containsExactly(during, before);
        long hits = feed.hits();
        assertThat(api.page(reader, 10, null).ids()).containsExactly(during, before);
        assertThat(feed.hits()).isEqualTo(hits + 1);
    }

    /**
     * Proves (or would): a hung Redis costs each request about its own Redis timeouts, also when
     * many requests arrive at once: 32 concurrent feed reads while Redis hangs all answer (200,
     * the right feed) within the same bound as a lone read. "A dead Redis must cost little before
     * the fallback" (CacheSettings) must hold under load, or a Redis outage becomes an API outage.
     */
    @Test
    void concurrentReadsWhileRedisHangsStayFast() throws Exception {
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        long tweet = api.tweet(author, "read by many while Redis hangs");
        awaitQuiescence();
        assertThat(api.page(reader, 10, null).ids()).containsExactly(tweet);

        redisProxy().cut();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<Future<List<Long>>> reads = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                reads.add(clients.submit(() -> timed("one of 32 concurrent feed reads", () -> api.page(reader, 10, null).ids())));
            }
            for (Future<List<Long>> read : reads) {
                try {
                    assertThat(read.get(60, TimeUnit.SECONDS)).containsExactly(tweet);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError failure ? failure : new AssertionError(e.getCause());
                }
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private <T> T timed(String what, Supplier<T> request) {
        long started = System.nanoTime();
        T result = request.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("%s while Redis is unreachable took %d ms", what, took.toMillis()).isLessThan(SLOW_BUT_ANSWERED);
        return result;
    }

    private JsonNode stats() {
        return api.get("/cache/stats", null).expect(200).json();
    }

    /** Once Redis answers again, the next call through the cache reaches it (after the breaker's pause). */
    private void awaitRedisInUse() {
        await("the cache to use Redis again").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> stats().get("redis_up").asBoolean());
    }
}
