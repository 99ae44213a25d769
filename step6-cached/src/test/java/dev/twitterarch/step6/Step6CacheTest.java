package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
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

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.common.testing.JdbcActivity;
import dev.twitterarch.common.testing.TestServices;
import dev.twitterarch.messaging.ConsumerGroup;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Topology;
import tools.jackson.databind.JsonNode;

/**
 * Step 6's cache itself: what the cached timelines (Redis sorted sets) hold, what a warm read costs
 * PostgreSQL, how the timelines behave at their capacity and under concurrent writers, the fill
 * race, redelivery, warming and the stats.
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
class Step6CacheTest extends Step6ApplicationTest {

    private static final int CAPACITY = 800;
    private static final int WARM_USERS = 5;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @Autowired
    SortedSetTimelines timelines;

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

    @Autowired
    Rabbit rabbit;

    @Autowired
    Topology topology;

    // --- a warm read costs PostgreSQL nothing -------------------------------------------------------

    /**
     * Proves: once a home timeline and its tweets are in Redis, reading the feed, first page and the
     * next one, takes not a single connection from the PostgreSQL pool (so runs no statement on
     * any table), and still answers exactly the model's feed: own tweets plus followees', newest
     * first, with their content. A tweet pushed after the warm-up keeps the timeline warm: the next
     * read hydrates that one new tweet and never reloads the feed from feed_items.
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

        // warm-up: the first read loads the timeline, each page's read caches the page's tweets
        jdbcActivity.reset();
        assertThat(api.wholeFeed(reader, 20)).containsExactlyElementsOf(expected);
        assertThat(jdbcActivity.byRequests()).as("the cold reads use PostgreSQL (the recorder sees them)")
                .anyMatch(JdbcActivity.Use::isConnection);
        assertThat(redis.tweetIds(reader)).as("the reader's timeline after the warm-up").containsExactlyInAnyOrderElementsOf(expected);
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

        // a new tweet reaches the warm timeline by a push: the read hydrates it, and loads no feed rows
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
     * Proves: a cached timeline never holds more than 800 entries, however many tweets arrive at
     * once: 850 tweets posted in parallel and pushed by the workers, while a probe samples the
     * set's size the whole time (each push and its trim are one script, so no reader ever sees 801
     * entries). At the end it holds 800 of the posted tweets, each once, and no longer claims to be
     * the whole feed (its floor rose with the trims).
     */
    @Test
    void aTimelineNeverExceedsItsCapacity() {
        int count = CAPACITY + 50;
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        awaitQuiescence();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();
        assertThat(redis.members(reader)).as("an empty feed, cached").isEmpty();
        assertThat(redis.whole(reader)).as("as the whole feed").isTrue();

        AtomicBoolean posting = new AtomicBoolean(true);
        ExecutorService sampler = Executors.newSingleThreadExecutor();
        Future<Long> longest = sampler.submit(() -> {
            long max = 0;
            try (RedisProbe probe = new RedisProbe()) {
                while (posting.get()) {
                    max = Math.max(max, probe.size(reader) - 1); // the marker is not an entry
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

        assertThat(join(longest)).as("the most entries the timeline ever held").isEqualTo(CAPACITY);
        assertThat(redis.length(reader)).isEqualTo(CAPACITY);
        assertThat(redis.whole(reader)).as("the timeline is no longer the whole feed").isFalse();
        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().isSubsetOf(posted);
    }

    /**
     * Proves: a full timeline holds exactly the newest 800 entries of the feed, and the feed read
     * page by page is still the whole feed, newest first: the pages deeper than the cache come from
     * PostgreSQL, and reading them does not grow the timeline. The older history (790 tweets) is
     * written with SQL to save time; the last 60 are posted through HTTP, one after another, and
     * pushed by the workers, whose trims raise the floor above the oldest tweets.
     */
    @Test
    void deepPagesPastTheCacheComeFromPostgres() {
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        awaitQuiescence();
        List<Long> expected = new ArrayList<>(insertHistory(author, List.of(reader, author), CAPACITY - 10));
        assertThat(api.page(reader, 20, null).ids()).hasSize(20);
        assertThat(redis.length(reader)).as("790 entries").isEqualTo(CAPACITY - 10);
        assertThat(redis.whole(reader)).as("the whole feed").isTrue();

        for (int i = 0; i < 60; i++) {
            expected.add(api.tweet(author, "posted " + i));
        }
        awaitQuiescence();
        expected = newestFirst(expected);

        assertThat(redis.length(reader)).isEqualTo(CAPACITY);
        assertThat(redis.tweetIds(reader)).containsExactlyElementsOf(expected.subList(0, CAPACITY));
        assertThat(redis.marker(reader)).as("the floor: the oldest entry kept")
                .isEqualTo("!ok|" + expected.get(CAPACITY - 1) + "|");
        long misses = feed.misses();
        assertThat(api.wholeFeed(reader, 100)).hasSize(CAPACITY + 50).containsExactlyElementsOf(expected);
        assertThat(feed.misses() - misses).as("pages past the cache, read from PostgreSQL").isEqualTo(1);
        assertThat(redis.length(reader)).as("reading deep pages does not grow the timeline").isEqualTo(CAPACITY);
    }

    /**
     * Proves: with tweets posted in parallel, the workers' pushes arrive slightly out of id order,
     * and the full timeline still holds exactly the newest 800 (a sorted set keeps order by
     * itself), so the feed read page by page loses nothing at the cache's edge.
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
        assertThat(redis.tweetIds(reader)).as("the timeline holds the newest %d", CAPACITY)
                .containsExactlyElementsOf(expected.subList(0, CAPACITY));
    }

    /**
     * Proves: a push that arrives late onto a full timeline opens no hole in the feed. The reader's
     * timeline is full (800 own tweets) when a followee's older tweet is finally written by a worker
     * that was held back: it is older than the floor, so the push leaves it to PostgreSQL (adding it
     * and trimming would drop the reader's oldest tweet while the cache claimed to reach further back).
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
            assertThat(api.page(reader, 20, null).ids()).hasSize(20); // fills the timeline with the newest 800 rows
            assertThat(redis.length(reader)).isEqualTo(CAPACITY);
        } finally {
            workers.start();
        }
        awaitQuiescence();

        List<Long> expected = new ArrayList<>(newestFirst(own));
        expected.add(late);
        assertThat(redis.tweetIds(reader)).as("the late tweet is below the floor").doesNotContain(late);
        assertThat(api.wholeFeed(reader, 100)).containsExactlyElementsOf(expected);
    }

    // --- concurrent writers ---------------------------------------------------------------------------

    /**
     * Proves: pushes onto one timeline from many threads at once (the workers and the API threads do
     * this) lose no entry and double none, also with reads going on: each push is one script. The
     * feed_items rows are written first, as the workers' commits precede their pushes.
     */
    @Test
    void concurrentPushesOntoOneTimelineLoseNothing() {
        long reader = api.createUser();
        long author = api.createUser();
        assertThat(api.page(reader, 20, null).ids()).isEmpty();
        assertThat(redis.whole(reader)).isTrue();
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
                feed.delivered(new TweetRef(tweets.get(i), author), List.of(reader));
                return null;
            });
        } finally {
            pushing.set(false);
            reads.forEach(Step6CacheTest::join);
            readers.shutdownNow();
        }

        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst(tweets));
        assertThat(redis.whole(reader)).as("still the whole feed").isTrue();
        assertThat(api.wholeFeed(reader, 40)).containsExactlyElementsOf(newestFirst(tweets));
    }

    /**
     * Proves: a miss's fill racing with pushes and with invalidations loses nothing. Readers keep
     * dropping the timeline (as a follow does) and reading it again (claim, load from PostgreSQL,
     * fill) while writers commit rows and push them; entries pushed while a fill is loading join
     * its claimed set and are merged, none twice. At the end the timeline equals the rows.
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
                    feed.refresh(List.of(reader));
                }
                api.get("/api/feed/?limit=50", reader).expect(200);
            }
        })).toList();
        try {
            inParallel(tweets.size(), i -> {
                writeFeedRows(reader, author, List.of(tweets.get(i))); // the worker's commit
                feed.delivered(new TweetRef(tweets.get(i), author), List.of(reader)); // its push, after the commit
                return null;
            });
        } finally {
            pushing.set(false);
            reads.forEach(Step6CacheTest::join);
            readers.shutdownNow();
        }

        assertThat(api.wholeFeed(reader, 30)).containsExactlyElementsOf(newestFirst(tweets));
        assertThat(redis.cached(reader)).isTrue();
        assertThat(redis.tweetIds(reader)).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst(tweets));
        assertThat(redis.whole(reader)).as("filled, not a placeholder, and whole").isTrue();
    }

    /**
     * Proves: a removal while a fill loads keeps the removed tweet out of the cache. The reader's
     * load from PostgreSQL read the tweet's row just before its delete committed; the delete's
     * removal finds the fill's placeholder and deletes the set; the fill, finding its claim gone,
     * writes nothing, and the next read loads again.
     */
    @Test
    void aRemovalDuringAFillKeepsTheRemovedTweetOut() {
        long reader = api.createUser();
        long author = ids.next();
        TweetRef kept = new TweetRef(ids.next(), author);
        TweetRef deleted = new TweetRef(ids.next(), author);
        String key = TimelineKeys.feed(reader);

        String token = timelines.claim(key);
        assertThat(token).as("the claim of an absent timeline").isNotNull();
        assertThat(timelines.claim(key)).as("a second claim while the first loads").isNull();
        List<TweetRef> loaded = List.of(deleted, kept); // what PostgreSQL held when the fill read it
        feed.withdrawn(deleted, List.of(reader));        // the delete's removal, while the fill loads
        assertThat(timelines.fill(key, token, loaded, true, "")).as("the fill after the removal").isFalse();
        assertThat(redis.cached(reader)).isFalse();
    }

    /**
     * Proves: pushes that arrive while a fill loads join the timeline, once each, and the floor
     * stays exact: the fill loaded a full window (capacity rows, so not the whole feed), and a
     * push older than its oldest row is dropped (the rows between it and the window were not loaded).
     */
    @Test
    void pushesDuringAFillJoinItAboveTheLoadedWindow() {
        long reader = api.createUser();
        long author = ids.next();
        TweetRef older = new TweetRef(ids.next(), author); // a late push, older than every loaded row
        List<TweetRef> window = IntStream.range(0, CAPACITY).mapToObj(i -> new TweetRef(ids.next(), author)).toList();
        TweetRef newer = new TweetRef(ids.next(), author);
        List<TweetRef> loaded = new ArrayList<>(window);
        java.util.Collections.reverse(loaded); // newest first, as PostgreSQL returns them
        String key = TimelineKeys.feed(reader);

        String token = timelines.claim(key);
        feed.delivered(newer, List.of(reader));
        feed.delivered(older, List.of(reader));
        feed.delivered(loaded.get(0), List.of(reader)); // committed after the claim and also loaded
        assertThat(timelines.fill(key, token, loaded, false, "")).isTrue();

        List<Long> expected = new ArrayList<>(List.of(newer.tweetId()));
        loaded.subList(0, CAPACITY - 1).forEach(ref -> expected.add(ref.tweetId()));
        assertThat(redis.tweetIds(reader)).as("the newest 800: the push, then the loaded rows").containsExactlyElementsOf(expected);
        assertThat(redis.marker(reader)).as("the floor: the oldest entry kept")
                .isEqualTo("!ok|" + expected.get(CAPACITY - 1) + "|");
    }

    /**
     * Proves, end to end: several followed authors posting at once while the reader keeps reading,
     * all through HTTP and the real fan-out, leave the reader's cached timeline equal to the model
     * (own tweets plus followees', each once), and the feed read from it equal to the model too.
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
        assertThat(feed.hits() - hits).as("pages served from the cache").isGreaterThanOrEqualTo(expected.size() / 25);
    }

    // --- feed rows ------------------------------------------------------------------------------------

    /**
     * Proves: a tweet deleted while a follower did not follow its author leaves that follower's feed,
     * also when they follow again before their unfollow's purge runs. The row was written while
     * they followed; the delete is taken out of the feeds of the author's followers of its moment
     * (not this one); step 5's purge then finds them following again and keeps every row. Without
     * step 6's sweep the dead row stays: the first page holds an entry that hydrates to nothing.
     * The workers are stopped so that the purge runs after the new follow, as behind a backlog.
     */
    @Test
    void aPurgeThatARefollowOvertakesLeavesNoDeletedTweet() {
        long reader = api.createUser();
        long witness = api.createUser(); // a follower throughout: the delete's fan-out has a batch to show
        long author = api.createUser();
        long kept = api.tweet(author, "kept");
        long deleted = api.tweet(author, "deleted while the reader does not follow");
        api.follow(reader, author).expect(201);
        api.follow(witness, author).expect(201);
        awaitQuiescence();
        assertThat(feedRows(reader, author)).containsExactlyInAnyOrder(kept, deleted);

        workers.stop();
        try {
            api.unfollow(reader, author);    // its purge waits in a worker queue
            api.deleteTweet(author, deleted); // dispatched to the author's followers now: the witness only
            await("the purge and the witness's removal to wait in the worker queues").atMost(Duration.ofSeconds(60))
                    .until(() -> readyInWorkerQueues() == 2);
            api.follow(reader, author).expect(201);
        } finally {
            workers.start();
        }
        awaitQuiescence();

        assertThat(feedRows(reader, author)).as("the reader's rows of the author").containsExactly(kept);
        assertThat(api.wholeFeed(reader, 1)).containsExactly(kept);
    }

    // --- redelivery -----------------------------------------------------------------------------------

    /**
     * Proves: a redelivered batch (RabbitMQ delivers a message again when a worker dies before its
     * ack; the rows are idempotent, and so is ZADD) leaves one entry, whether the second delivery
     * comes after the first or at the same time.
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

        feed.delivered(new TweetRef(once, author), List.of(reader, other));
        feed.delivered(new TweetRef(once, author), List.of(reader, other));
        inParallel(8, i -> {
            feed.delivered(new TweetRef(racing, author), List.of(reader, other));
            return null;
        });

        assertThat(redis.members(reader)).containsExactly(racing + ":" + author, once + ":" + author);
        assertThat(redis.members(other)).containsExactly(racing + ":" + author, once + ":" + author);
        assertThat(api.page(reader, 20, null).ids()).containsExactly(racing, once);
    }


    // --- stats and warming ----------------------------------------------------------------------------

    /**
     * Proves: GET /cache/stats reports hits, misses, the hit ratio, the cached feeds, the memory of
     * one and Redis' time, and they move: a cold read is a miss and caches one more feed, a warm read
     * is a hit; /metrics exports the same counts as Micrometer meters (Prometheus text).
     */
    @Test
    void cacheStatsReportAndMove() {
        JsonNode before = stats();
        assertThat(before.properties()).extracting(Map.Entry::getKey).contains(
                "hits", "misses", "hit_ratio", "cached_feeds", "redis_server_used_memory_bytes", "redis_up", "redis_failures",
                "merges", "redis_time_ms", "memory_per_cached_feed_bytes", "celebrities", "celebrity_threshold");
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
        assertThat(afterHits.get("memory_per_cached_feed_bytes").asLong()).as("memory of a cached feed").isPositive();
        assertThat(afterHits.get("redis_time_ms").asDouble()).isGreaterThan(before.get("redis_time_ms").asDouble());
        assertThat(afterHits.get("celebrity_threshold").asLong()).isEqualTo(1000);

        String metrics = api.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).expect(200).body();
        assertThat(metrics).as("/metrics")
                .containsPattern("twitter_cache_reads_total\\{[^}]*result=\"hit\"[^}]*} " + hits + "\\.0")
                .contains("twitter_cache_reads_total{", "result=\"fill\"", "twitter_cache_merges_total",
                        "twitter_cache_redis_seconds_count{", "outcome=\"ok\"", "twitter_cache_redis_skipped_total",
                        "twitter_celebrities{", "twitter_celebrity_changes_total{", "twitter_celebrity_tweets_total");
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
            assertThat(redis.members(author)).as("feed of active user %d", author)
                    .containsExactly(tweetOf.get(author) + ":" + author);
            assertThat(redis.whole(author)).isTrue();
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

    private List<Long> feedRows(long reader, long author) {
        return jdbc.sql("SELECT tweet_id FROM feed_items WHERE user_id = :reader AND author_id = :author")
                .param("reader", reader).param("author", author).query(Long.class).list();
    }

    /** Messages ready in the queues of this context's fan-out (the events queue and the worker queues). */
    private long readyInWorkerQueues() {
        return topology.workQueues().stream().mapToLong(rabbit::depth).sum();
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
