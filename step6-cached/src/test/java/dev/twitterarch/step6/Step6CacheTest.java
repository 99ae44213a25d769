package dev.twitterarch.step6;

import dev.twitterarch.common.testing.FanOutQuiescence;
import org.springframework.context.ApplicationContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.ApiClient;
import dev.twitterarch.common.testing.JdbcActivity;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.messaging.ConsumerGroup;
import tools.jackson.databind.JsonNode;

/**
 * Step 6's cache itself: what the Redis lists hold, what a warm read costs PostgreSQL, how the
 * lists behave at their capacity and under concurrent writers, redelivery, warming and the stats.
 * Everything a user does goes through HTTP; the tests look at Redis on a connection of their own
 * ({@link RedisProbe}), and at PostgreSQL's use through {@link JdbcActivity}, which wraps the pool.
 *
 * <p>The context has a schema of its own: other cached contexts run outbox relays of their own,
 * and a relay on a shared schema would take this context's events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.schema=step6_cache",
        "twitter.cache.warm-users=5"})
@Import(JdbcActivity.class)
class Step6CacheTest {

    private static final int CAPACITY = 800;
    private static final int WARM_USERS = 5;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    CircularBufferFeed feed;

    @Autowired
    ApplicationContext context;

    @Autowired
    FeedWarmer warmer;

    @Autowired
    JdbcActivity jdbcActivity;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    SnowflakeIds ids;

    @Autowired
    ConsumerGroup workers;

    ApiClient api;
    RedisProbe redis;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        redis = new RedisProbe();
    }

    @AfterEach
    void disconnect() {
        redis.close();
    }

    // --- a warm read costs PostgreSQL nothing -------------------------------------------------------

    /**
     * Proves: once a feed's list and its tweets are in Redis, reading the feed, first page and the
     * next one, takes not a single connection from the PostgreSQL pool (so runs no statement on
     * any table), and still answers exactly the model's feed: own tweets plus followees', newest
     * first, with their content. A tweet pushed after the warm-up keeps the list warm: the next read
     * hydrates that one new tweet and never reloads the feed from feed_items.
     */
    @Test
    void aWarmFeedReadTouchesNoTable() {
        long reader = api.createUser();
        long alice = api.createUser();
        long bob = api.createUser();
        long stranger = api.createUser();
        api.follow(reader, alice).expect(201);
        api.follow(reader, bob).expect(201);
        Map<Long, String> content = new HashMap<>();
        for (int i = 0; i < 15; i++) {
            content.put(api.tweet(alice, "alice " + i), "alice " + i);
            content.put(api.tweet(bob, "bob " + i), "bob " + i);
            if (i % 3 == 0) {
                content.put(api.tweet(reader, "reader " + i), "reader " + i);
            }
            api.tweet(stranger, "not followed " + i);
        }
        awaitQuiescence();
        List<Long> expected = newestFirst(content.keySet());
        assertThat(expected).hasSize(35);

        // warm-up: the first read of each page loads the list and caches the page's tweets
        jdbcActivity.reset();
        assertThat(api.wholeFeed(reader, 20)).containsExactlyElementsOf(expected);
        assertThat(jdbcActivity.byRequests()).as("the cold reads use PostgreSQL (the recorder sees them)")
                .anyMatch(JdbcActivity.Use::isConnection);
        assertThat(redis.tweetIds(reader)).as("the reader's list after the warm-up").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected).allMatch(redis::tweetCached);

        jdbcActivity.reset();
        JsonNode firstPage = api.get("/api/feed/?limit=20", reader).expect(200).json();
        JsonNode secondPage = api.get("/api/feed/?limit=20&before=" + firstPage.get("next_cursor").asString(), reader)
                .expect(200).json();
        assertThat(jdbcActivity.byRequests()).as("PostgreSQL use by the warm reads").isEmpty();

        List<JsonNode> items = new ArrayList<>();
        firstPage.get("items").forEach(items::add);
        secondPage.get("items").forEach(items::add);
        assertThat(items).extracting(item -> item.get("id").asLong()).containsExactlyElementsOf(expected);
        assertThat(items).allSatisfy(item -> assertThat(item.get("content").asString())
                .isEqualTo(content.get(item.get("id").asLong())));
        assertThat(secondPage.get("next_cursor").isNull()).isTrue();

        // a new tweet reaches the warm list by a push: the read hydrates it, and loads no feed rows
        long fresh = api.tweet(alice, "after the warm-up");
        awaitQuiescence();
        jdbcActivity.reset();
        assertThat(api.page(reader, 20, null).ids()).startsWith(fresh).hasSize(20);
        assertThat(jdbcActivity.byRequests()).as("the read after a push")
                .noneMatch(use -> use.what().contains("feed_items"))
                .anyMatch(use -> use.what().contains("tweets"));
        jdbcActivity.reset();
        assertThat(api.page(reader, 20, null).ids()).startsWith(fresh).hasSize(20);
        assertThat(jdbcActivity.byRequests()).as("the read after that").isEmpty();
    }

    // --- capacity -------------------------------------------------------------------------------------

    /**
     * Proves: a list is a circular buffer that never holds more than 800 entries, however many
     * tweets arrive at once: 850 tweets posted in parallel and pushed by the workers, while a probe
     * samples the list's length the whole time (each push and its trim are one MULTI, so no reader
     * ever sees 801). At the end it holds 800 of the posted tweets, each once, and no end marker.
     */
    @Test
    void theListNeverExceedsItsCapacity() {
        int count = CAPACITY + 50;
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        awaitQuiescence();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();
        assertThat(redis.list(reader)).as("an empty feed, cached whole").containsExactly("end");

        AtomicBoolean posting = new AtomicBoolean(true);
        ExecutorService sampler = Executors.newSingleThreadExecutor();
        Future<Long> longest = sampler.submit(() -> {
            long max = 0;
            try (RedisProbe probe = new RedisProbe()) {
                while (posting.get()) {
                    max = Math.max(max, probe.length(reader));
                }
            }
            return max;
        });
        List<Long> posted;
        try {
            posted = inParallel(count, i -> api.tweet(author, "tweet " + i));
            awaitQuiescence();
        } finally {
            posting.set(false);
            sampler.shutdown();
        }

        assertThat(join(longest)).as("the longest the list ever was").isEqualTo(CAPACITY);
        assertThat(redis.length(reader)).isEqualTo(CAPACITY);
        assertThat(redis.list(reader)).as("the end marker is gone: the list is no longer the whole feed")
                .doesNotContain("end");
        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().isSubsetOf(posted);
    }

    /**
     * Proves: a full list holds exactly the newest 800 entries of the feed, and the feed read page
     * by page is still the whole feed, newest first: the pages deeper than the list come from
     * PostgreSQL, and reading them does not grow the list. The older history (790 tweets) is
     * written with SQL to save time; the last 60 are posted through HTTP, one after another, and
     * pushed by the workers, which push the end marker off the list.
     */
    @Test
    void deepPagesPastTheListComeFromPostgres() {
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        awaitQuiescence();
        List<Long> expected = new ArrayList<>(insertHistory(author, List.of(reader, author), CAPACITY - 10));
        assertThat(api.page(reader, 20, null).ids()).hasSize(20);
        assertThat(redis.length(reader)).as("790 entries and the end marker").isEqualTo(CAPACITY - 10 + 1);

        for (int i = 0; i < 60; i++) {
            expected.add(api.tweet(author, "posted " + i));
        }
        awaitQuiescence();
        expected = newestFirst(expected);

        assertThat(redis.length(reader)).isEqualTo(CAPACITY);
        assertThat(redis.tweetIds(reader)).containsExactlyInAnyOrderElementsOf(expected.subList(0, CAPACITY));
        long misses = feed.misses();
        assertThat(api.wholeFeed(reader, 100)).hasSize(CAPACITY + 50).containsExactlyElementsOf(expected);
        assertThat(feed.misses() - misses).as("pages past the list, read from PostgreSQL").isEqualTo(1);
        assertThat(redis.length(reader)).as("reading deep pages does not grow the list").isEqualTo(CAPACITY);
    }

    /**
     * Proves (or would): with tweets posted in parallel, the workers' pushes arrive slightly out of
     * id order, and the full list must still hold exactly the newest 800, or the feed read page by
     * page loses the tweets at the list's edge.
     */
    @Test
    void parallelPostsKeepTheNewest800() {
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        awaitQuiescence();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();

        List<Long> expected = newestFirst(inParallel(CAPACITY + 50, i -> api.tweet(author, "tweet " + i)));
        awaitQuiescence();

        assertThat(api.wholeFeed(reader, 100)).as("the whole feed, 100 a page").containsExactlyElementsOf(expected);
        assertThat(redis.tweetIds(reader)).as("the list holds the newest %d", CAPACITY)
                .containsExactlyInAnyOrderElementsOf(expected.subList(0, CAPACITY));
    }

    /**
     * Proves (or would): a push that arrives late onto a full list does not open a hole in the
     * feed. The reader's list is full (800 own tweets) when a followee's older tweet is finally
     * written by a worker that was held back; LPUSHX + LTRIM then trims by position, dropping the
     * reader's oldest tweet from the list while the list now claims to reach back to the older
     * followee's tweet: the page there is served from the list without the dropped tweet.
     */
    @Test
    void aLatePushOntoAFullListLeavesNoHole() {
        long reader = api.createUser();
        long followee = api.createUser();
        api.follow(reader, followee).expect(201);
        awaitQuiescence();

        long late;
        List<Long> own;
        workers.stop(); // the followee's fan-out waits in the worker queue, as behind a backlog
        try {
            late = api.tweet(followee, "fanned out late");
            own = inParallel(CAPACITY, i -> api.tweet(reader, "own " + i));
            assertThat(api.page(reader, 20, null).ids()).hasSize(20); // fills the list with the newest 800 rows
            assertThat(redis.length(reader)).isEqualTo(CAPACITY);
        } finally {
            workers.start();
        }
        awaitQuiescence();

        List<Long> expected = new ArrayList<>(newestFirst(own));
        expected.add(late);
        assertThat(api.wholeFeed(reader, 100)).containsExactlyElementsOf(expected);
    }

    // --- concurrent writers ---------------------------------------------------------------------------

    /**
     * Proves: pushes onto one list from many threads at once (the workers and the API threads do
     * this) lose no entry and double none, also with reads of the list going on: each push is one
     * MULTI. The feed_items rows are written first, as the workers' commits precede their pushes.
     */
    @Test
    void concurrentPushesOntoOneListLoseNothing() {
        long reader = api.createUser();
        long author = api.createUser();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();
        assertThat(redis.list(reader)).containsExactly("end");
        List<Long> tweets = inParallel(300, i -> api.tweet(author, "pushed " + i));
        writeFeedRows(reader, author, tweets); // what the workers committed; their pushes follow

        AtomicBoolean pushing = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(3);
        List<Future<?>> reads = IntStream.range(0, 3).<Future<?>>mapToObj(r -> readers.submit(() -> {
            while (pushing.get()) {
                api.get("/api/feed/?limit=50", reader).expect(200);
            }
        })).toList();
        try {
            inParallel(tweets.size(), i -> {
                feed.added(tweets.get(i), author, List.of(reader));
                return null;
            });
        } finally {
            pushing.set(false);
            reads.forEach(Step6CacheTest::join);
            readers.shutdownNow();
        }

        List<String> list = redis.list(reader);
        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tweets);
        assertThat(list.get(list.size() - 1)).as("still the whole feed").isEqualTo("end");
        assertThat(api.wholeFeed(reader, 40)).containsExactlyElementsOf(newestFirst(tweets));
    }

    /**
     * Proves: a miss's fill racing with pushes and with invalidations loses nothing. Readers keep
     * dropping the list (as a follow does) and reading it again (claim, load from PostgreSQL, merge)
     * while writers commit rows and push them; entries pushed while a fill is loading land in front
     * of its placeholder and are merged, none twice. At the end the list equals the rows.
     */
    @Test
    void fillsRacingPushesAndInvalidationsLoseNothing() {
        long reader = api.createUser();
        long author = api.createUser();
        List<Long> tweets = inParallel(200, i -> api.tweet(author, "raced " + i));

        AtomicBoolean pushing = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(3);
        List<Future<?>> reads = IntStream.range(0, 3).<Future<?>>mapToObj(r -> readers.submit(() -> {
            for (int i = 0; pushing.get(); i++) {
                if (i % 3 == 0) {
                    feed.changed(reader);
                }
                api.get("/api/feed/?limit=50", reader).expect(200);
            }
        })).toList();
        try {
            inParallel(tweets.size(), i -> {
                writeFeedRows(reader, author, List.of(tweets.get(i))); // the worker's commit
                feed.added(tweets.get(i), author, List.of(reader));     // its push, after the commit
                return null;
            });
        } finally {
            pushing.set(false);
            reads.forEach(Step6CacheTest::join);
            readers.shutdownNow();
        }

        assertThat(api.wholeFeed(reader, 30)).containsExactlyElementsOf(newestFirst(tweets));
        assertThat(redis.cached(reader)).isTrue();
        List<String> list = redis.list(reader);
        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tweets);
        assertThat(list).noneMatch(entry -> entry.startsWith("warming:"));
        assertThat(list.get(list.size() - 1)).isEqualTo("end");
    }

    /**
     * Proves, end to end: several followed authors posting at once while the reader keeps reading,
     * all through HTTP and the real fan-out, leave the reader's list equal to the model (own tweets
     * plus followees', each once), and the feed read from it equal to the model too.
     */
    @Test
    void concurrentAuthorsEndToEnd() {
        long reader = api.createUser();
        List<Long> authors = IntStream.range(0, 6).mapToObj(i -> api.createUser()).toList();
        authors.forEach(author -> api.follow(reader, author).expect(201));
        awaitQuiescence();
        assertThat(api.page(reader, 20, null).ids()).isEmpty(); // warm: the whole (empty) feed is cached

        AtomicBoolean posting = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        List<Future<?>> reads = IntStream.range(0, 2).<Future<?>>mapToObj(r -> readers.submit(() -> {
            while (posting.get()) {
                api.get("/api/feed/?limit=20", reader).expect(200);
            }
        })).toList();
        List<Long> expected;
        try {
            expected = new ArrayList<>(inParallel(authors.size() * 40, i -> api.tweet(authors.get(i % authors.size()), "post " + i)));
            for (int i = 0; i < 5; i++) {
                expected.add(api.tweet(reader, "own " + i));
            }
        } finally {
            posting.set(false);
            reads.forEach(Step6CacheTest::join);
            readers.shutdownNow();
        }
        awaitQuiescence();

        expected = newestFirst(expected);
        long hits = feed.hits();
        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(api.wholeFeed(reader, 25)).containsExactlyElementsOf(expected);
        assertThat(feed.hits() - hits).as("pages served from the list").isGreaterThanOrEqualTo(expected.size() / 25);
    }

    // --- redelivery -----------------------------------------------------------------------------------

    /**
     * Proves: a redelivered batch (RabbitMQ delivers a message again when a worker dies before its
     * ack; the rows are idempotent, a list push is not) leaves one entry, whether the second
     * delivery comes after the first or at the same time.
     */
    @Test
    void aRedeliveredBatchLeavesOneEntry() {
        long reader = api.createUser();
        long other = api.createUser();
        long author = api.createUser();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();
        assertThat(api.page(other, 20, null).ids()).isEmpty();
        long once = api.tweet(author, "delivered twice");
        long racing = api.tweet(author, "delivered eight times at once");
        writeFeedRows(reader, author, List.of(once, racing));
        writeFeedRows(other, author, List.of(once, racing));

        feed.added(once, author, List.of(reader, other));
        feed.added(once, author, List.of(reader, other));
        inParallel(8, i -> {
            feed.added(racing, author, List.of(reader, other));
            return null;
        });

        assertThat(redis.list(reader)).containsExactly(racing + ":" + author, once + ":" + author, "end");
        assertThat(redis.list(other)).containsExactly(racing + ":" + author, once + ":" + author, "end");
        assertThat(api.page(reader, 20, null).ids()).containsExactly(racing, once);
    }


    // --- stats and warming ----------------------------------------------------------------------------

    /**
     * Proves: GET /cache/stats reports hits, misses, the hit ratio, the cached feeds and Redis'
     * memory, and they move: a cold read is a miss and caches one more feed, a warm read is a hit.
     */
    @Test
    void cacheStatsReportAndMove() {
        JsonNode before = stats();
        assertThat(before.properties()).extracting(Map.Entry::getKey).contains(
                "hits", "misses", "hit_ratio", "cached_feeds", "redis_server_used_memory_bytes", "redis_up", "redis_failures");
        assertThat(before.get("redis_up").asBoolean()).isTrue();
        assertThat(before.get("redis_server_used_memory_bytes").asLong()).isPositive();

        long reader = api.createUser();
        long author = api.createUser();
        api.tweet(author, "x");
        api.follow(reader, author).expect(201);
        awaitQuiescence();
        api.page(reader, 20, null); // cold
        JsonNode afterMiss = stats();
        api.page(reader, 20, null); // warm
        api.page(reader, 20, null); // warm
        JsonNode afterHits = stats();

        assertThat(afterMiss.get("misses").asLong()).isEqualTo(before.get("misses").asLong() + 1);
        assertThat(afterMiss.get("hits").asLong()).isEqualTo(before.get("hits").asLong());
        assertThat(afterMiss.get("cached_feeds").asLong()).isEqualTo(before.get("cached_feeds").asLong() + 1);
        assertThat(afterHits.get("hits").asLong()).isEqualTo(before.get("hits").asLong() + 2);
        assertThat(afterHits.get("misses").asLong()).isEqualTo(afterMiss.get("misses").asLong());
        long hits = afterHits.get("hits").asLong();
        long misses = afterHits.get("misses").asLong();
        assertThat(afterHits.get("hit_ratio").asDouble()).isCloseTo((double) hits / (hits + misses),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(afterHits.get("redis_failures").asLong()).isZero();
    }

    /**
     * Proves: the warmer loads the feeds of the most recently active users (the authors of the
     * newest tweets, as many as twitter.cache.warm-users = 5) and no one else's, and what it loads
     * is each feed exactly.
     */
    @Test
    void theWarmerLoadsTheMostRecentlyActiveUsersFeeds() {
        long reader = api.createUser(); // reads, never posts: not active in the warmer's sense
        List<Long> authors = IntStream.range(0, WARM_USERS + 2).mapToObj(i -> api.createUser()).toList();
        authors.forEach(author -> api.follow(reader, author).expect(201));
        awaitQuiescence();
        Map<Long, Long> tweetOf = new HashMap<>();
        for (long author : authors) {
            tweetOf.put(author, api.tweet(author, "active " + author));
        }
        awaitQuiescence();
        for (long user : authors) {
            redis.drop(user);
        }
        redis.drop(reader);

        warmer.warm();

        List<Long> newest = authors.subList(2, authors.size());
        for (long author : newest) {
            assertThat(redis.list(author)).as("feed of active user %d", author)
                    .containsExactly(tweetOf.get(author) + ":" + author, "end");
        }
        assertThat(redis.cached(authors.get(0))).as("the least recent authors, beyond the 5").isFalse();
        assertThat(redis.cached(authors.get(1))).isFalse();
        assertThat(redis.cached(reader)).as("a user who never posted").isFalse();
        long hits = feed.hits();
        assertThat(api.page(newest.get(0), 20, null).ids()).containsExactly(tweetOf.get(newest.get(0)));
        assertThat(feed.hits()).as("the first read after warming is a hit").isEqualTo(hits + 1);
    }

    // --- helpers --------------------------------------------------------------------------------------

    private JsonNode stats() {
        return api.get("/cache/stats", null).expect(200).json();
    }

    private void awaitQuiescence() {
        await("fan-out to quiesce").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(FanOutQuiescence.of(context)::getAsBoolean);
    }

    private static List<Long> newestFirst(java.util.Collection<Long> ids) {
        List<Long> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.reverseOrder());
        return sorted;
    }

    /** Runs {@code count} tasks on 8 threads; returns their results in task order. */
    private static <T> List<T> inParallel(int count, Function<Integer, T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<T>> futures = IntStream.range(0, count)
                    .mapToObj(i -> pool.submit((Callable<T>) () -> task.apply(i))).toList();
            List<T> results = new ArrayList<>();
            futures.forEach(future -> results.add(join(future)));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get(120, java.util.concurrent.TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a concurrent task failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The rows a worker commits for these tweets in the reader's feed (before its push). */
    private void writeFeedRows(long reader, long author, List<Long> tweets) {
        String array = tweets.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        jdbc.sql("""
                        INSERT INTO feed_items (user_id, tweet_id, author_id)
                        SELECT :reader, id, user_id FROM tweets WHERE user_id = :author AND id = ANY (:ids::bigint[])
                        ON CONFLICT DO NOTHING""")
                .param("reader", reader).param("author", author).param("ids", array).update();
    }

    /** {@code count} old tweets of the author, with their rows in these readers' feeds, written with SQL; ids oldest first. */
    private List<Long> insertHistory(long author, List<Long> readers, int count) {
        List<Long> tweets = IntStream.range(0, count).mapToObj(i -> ids.next()).toList();
        String array = tweets.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
        jdbc.sql("INSERT INTO tweets (user_id, id, content) SELECT :author, id, 'history ' || id FROM unnest(:ids::bigint[]) AS id")
                .param("author", author).param("ids", array).update();
        for (long reader : readers) {
            writeFeedRows(reader, author, tweets);
        }
        return tweets;
    }
}
