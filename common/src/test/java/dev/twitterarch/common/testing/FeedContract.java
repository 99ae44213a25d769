package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.ApiClient.Response;

/**
 * The contract every step honours, checked over HTTP against the running application and real
 * services. Each step has one empty subclass; step 1 is the reference, and this suite holds every
 * step to the same feed, at every depth and on every page.
 *
 * <p>Asynchronous steps' fan-out is done when {@link FanOutQuiescence} says so; the tests await that before reading other users' feeds, and never sleep a fixed time. A user's
 * own tweets are read back without waiting: read-your-writes holds in every step.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class FeedContract implements BadInputCases {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    /** One client per test (JUnit makes a test instance per test method): in token mode it keeps its users' tokens. */
    private ApiClient api;

    @Override
    public ApiClient api() {
        if (api == null) {
            api = newClient(port);
        }
        return api;
    }

    /** The X-User-ID client (TestServices trusts the header); {@link TokenFeedContract} logs in instead. */
    protected ApiClient newClient(int port) {
        return new ApiClient(port);
    }

    /** Waits until the step's fan-out has settled, so every feed is final. */
    protected void awaitQuiescence() {
        await("fan-out to quiesce").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(FanOutQuiescence.of(context)::getAsBoolean);
    }

    private static List<Long> newestFirst(List<Long> ids) {
        List<Long> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.reverseOrder());
        return sorted;
    }

    @Test
    void feedHoldsOwnAndFollowedTweetsNewestFirst() {
        ApiClient api = api();
        long reader = api.createUser();
        long alice = api.createUser();
        long bob = api.createUser();
        long stranger = api.createUser();
        api.follow(reader, alice).expect(201);
        api.follow(reader, bob).expect(201);

        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(api.tweet(alice, "alice " + i));
            expected.add(api.tweet(bob, "bob " + i));
            expected.add(api.tweet(reader, "reader " + i));
            api.tweet(stranger, "not followed " + i);
        }
        awaitQuiescence();

        assertThat(api.wholeFeed(reader, 100)).containsExactlyElementsOf(newestFirst(expected));
        var first = api.get("/api/feed/?limit=3", reader).expect(200).json().get("items").get(0);
        assertThat(first.get("username").asString()).isEqualTo(api.get("/api/users/" + reader, null).json().get("username").asString());
        assertThat(first.get("content").asString()).isEqualTo("reader 4");
        assertThat(first.get("user_id").asLong()).isEqualTo(reader);
        assertThat(first.get("created_at").asString()).isNotBlank();
    }

    @Test
    void authorReadsOwnTweetAtOnce() {
        ApiClient api = api();
        long author = api.createUser();
        for (int i = 0; i < 3; i++) {
            api.follow(api.createUser(), author).expect(201);
        }
        for (int i = 0; i < 5; i++) {
            long id = api.tweet(author, "mine " + i);
            // no waiting: the author's own entry is written with the tweet in every step
            assertThat(api.page(author, 1, null).ids()).containsExactly(id);
        }
    }

    @Test
    void followBringsExistingTweetsUnfollowTakesThemOut() {
        ApiClient api = api();
        long reader = api.createUser();
        long author = api.createUser();
        List<Long> old = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            old.add(api.tweet(author, "before the follow " + i));
        }
        long own = api.tweet(reader, "reader's own");

        api.follow(reader, author).expect(201);
        awaitQuiescence();
        List<Long> withAuthor = new ArrayList<>(old);
        withAuthor.add(own);
        assertThat(api.wholeFeed(reader, 7)).containsExactlyElementsOf(newestFirst(withAuthor));
        assertThat(api.get("/api/users/" + author, null).json().get("followers_count").asLong()).isEqualTo(1);
        assertThat(api.get("/api/users/" + reader, null).json().get("following_count").asLong()).isEqualTo(1);

        api.unfollow(reader, author);
        awaitQuiescence();
        assertThat(api.wholeFeed(reader, 7)).containsExactly(own);
        assertThat(api.get("/api/users/" + author, null).json().get("followers_count").asLong()).isZero();
    }

    @Test
    void deletedTweetLeavesEveryFeed() {
        ApiClient api = api();
        long author = api.createUser();
        List<Long> followers = Stream.generate(api::createUser).limit(5).toList();
        followers.forEach(follower -> api.follow(follower, author).expect(201));
        long kept = api.tweet(author, "kept");
        long deleted = api.tweet(author, "deleted");
        awaitQuiescence();
        assertThat(api.wholeFeed(followers.get(0), 10)).containsExactly(deleted, kept);

        api.deleteTweet(author, deleted);
        awaitQuiescence();
        for (long follower : followers) {
            assertThat(api.wholeFeed(follower, 1)).as("feed of follower %d", follower).containsExactly(kept);
        }
        assertThat(api.wholeFeed(author, 1)).containsExactly(kept);
        api.get("/api/tweets/" + deleted, null).expect(404);
    }

    @Test
    void pagesNeitherSkipNorRepeatWhileTweetsArrive() throws Exception {
        ApiClient api = api();
        long reader = api.createUser();
        long author = api.createUser();
        api.follow(reader, author).expect(201);
        List<Long> existing = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            existing.add(api.tweet(i % 4 == 0 ? reader : author, "existing " + i));
        }
        awaitQuiescence();

        ApiClient.Page first = api.page(reader, 6, null);
        CompletableFuture<Void> newTweets = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 25; i++) {
                api.tweet(i % 2 == 0 ? author : reader, "arriving " + i);
            }
        });
        List<Long> paged = new ArrayList<>(first.ids());
        String cursor = first.nextCursor();
        while (cursor != null) {
            ApiClient.Page page = api.page(reader, 6, cursor);
            paged.addAll(page.ids());
            cursor = page.nextCursor();
        }
        newTweets.get();

        assertThat(paged).containsExactlyElementsOf(newestFirst(existing));
    }

    @Test
    void followIsIdempotent() {
        ApiClient api = api();
        long reader = api.createUser();
        long author = api.createUser();
        long tweet = api.tweet(author, "once");

        assertThat(api.follow(reader, author).expect(201).json().get("created").asBoolean()).isTrue();
        assertThat(api.follow(reader, author).expect(200).json().get("created").asBoolean()).isFalse();
        awaitQuiescence();

        assertThat(api.get("/api/users/" + author, null).json().get("followers_count").asLong()).isEqualTo(1);
        assertThat(api.wholeFeed(reader, 10)).containsExactly(tweet);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "it's \"quoted\" \\ back\\slash",
            "'); DROP TABLE tweets; --",
            "שלום עולם مرحبا بالعالم",
            "emoji 😀👍🏽 family 👨‍👩‍👧 flag 🇺🇦",
            "two\nlines\tand a tab",
            "  leading and trailing spaces  ",
            "<script>alert(1)</script> &amp;"})
    void textIsStoredVerbatim(String content) {
        ApiClient api = api();
        long author = api.createUser();
        long id = api.tweet(author, content);
        assertThat(api.get("/api/tweets/" + id, null).expect(200).json().get("content").asString()).isEqualTo(content);
        var item = api.get("/api/feed/?limit=1", author).expect(200).json().get("items").get(0);
        assertThat(item.get("content").asString()).isEqualTo(content);
    }

    @Test
    void aTweetOf280EmojiIsAccepted() {
        ApiClient api = api();
        long author = api.createUser();
        String emoji = "😀".repeat(280);
        assertThat(emoji.length()).isEqualTo(560); // UTF-16 units: the limit counts code points
        long id = api.tweet(author, emoji);
        assertThat(api.get("/api/tweets/" + id, null).json().get("content").asString()).isEqualTo(emoji);
        assertThat(api.postJson("/api/tweets/", author, Map.of("content", "😀".repeat(281))).status()).isEqualTo(400);
    }

    /**
     * The model-based test: a few hundred random operations over 30 users, mirrored in an in-memory
     * model, then every user's whole feed, read in random page sizes, compared with the model.
     * The seed is printed so a failure can be replayed with -Dfeed.seed=....
     */
    @Test
    void randomOperationsAgreeWithTheModel() {
        long seed = Long.getLong("feed.seed", new Random().nextLong());
        System.out.println("randomOperationsAgreeWithTheModel seed: " + seed + " (replay with -Dfeed.seed=" + seed + ")");
        Random random = new Random(seed);
        ApiClient api = api();
        FeedModel model = new FeedModel();
        List<Long> users = Stream.generate(api::createUser).limit(30).toList();
        users.forEach(model::addUser);

        for (int op = 0; op < 400; op++) {
            long user = users.get(random.nextInt(users.size()));
            long other = users.get(random.nextInt(users.size()));
            int dice = random.nextInt(100);
            if (dice < 40) {
                model.tweet(user, api.tweet(user, "op " + op));
            } else if (dice < 65) {
                if (user != other) {
                    api.follow(user, other).expect(model.follows(user, other) ? 200 : 201);
                    model.follow(user, other);
                }
            } else if (dice < 80) {
                if (model.follows(user, other)) {
                    api.unfollow(user, other);
                    model.unfollow(user, other);
                }
            } else if (dice < 90) {
                List<Long> own = model.tweetsOf(user);
                if (!own.isEmpty()) {
                    long tweet = own.get(random.nextInt(own.size()));
                    api.deleteTweet(user, tweet);
                    model.delete(user, tweet);
                }
            } else {
                // read-your-writes in the middle of the run: the newest own tweet is on top at once
                List<Long> own = model.tweetsOf(user);
                if (!own.isEmpty()) {
                    assertThat(api.page(user, 100, null).ids()).as("seed %d, op %d", seed, op).contains(Collections.max(own));
                }
            }
        }
        awaitQuiescence();

        for (long user : users) {
            int pageSize = 1 + random.nextInt(12);
            assertThat(api.wholeFeed(user, pageSize))
                    .as("feed of user %d read %d at a time (seed %d)", user, pageSize, seed)
                    .containsExactlyElementsOf(model.feedOf(user));
        }
    }

    /**
     * The same model test with the operations racing each other: several threads at once, each
     * acting for users of its own (their posts, deletes, follows and unfollows), so a post races
     * the follows and unfollows of its author by other threads. Each user's changes come from one
     * thread, so the final follow graph and the surviving tweets are known; after quiescence every
     * feed must be the model's, page by page. The seed is printed: -Dfeed.seed=... replays each
     * thread's choices (not the interleaving, which is the point).
     */
    @Test
    void concurrentOperationsAgreeWithTheModel() throws Exception {
        long seed = Long.getLong("feed.seed", new Random().nextLong());
        System.out.println("concurrentOperationsAgreeWithTheModel seed: " + seed + " (replay with -Dfeed.seed=" + seed + ")");
        int threads = 6;
        int usersPerThread = 2;
        int operationsPerThread = 120;
        ApiClient api = api();
        FeedModel model = new FeedModel();
        List<Long> users = Stream.generate(api::createUser).limit((long) threads * usersPerThread).toList();
        users.forEach(model::addUser);

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> own = users.subList(t * usersPerThread, (t + 1) * usersPerThread);
                Random random = new Random(seed + t);
                running.add(pool.submit(() -> {
                    start.await();
                    for (int op = 0; op < operationsPerThread; op++) {
                        randomOperation(api, model, own.get(random.nextInt(own.size())), users.get(random.nextInt(users.size())), random);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> thread : running) {
                thread.get(5, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        awaitQuiescence();

        Random pages = new Random(seed);
        for (long user : users) {
            int pageSize = 1 + pages.nextInt(12);
            assertThat(api.wholeFeed(user, pageSize))
                    .as("feed of user %d read %d at a time (seed %d)", user, pageSize, seed)
                    .containsExactlyElementsOf(model.feedOf(user));
        }
    }

    /** One operation by {@code user}: mostly posts, follows and unfollows of {@code other}, so they race. */
    private static void randomOperation(ApiClient api, FeedModel model, long user, long other, Random random) {
        int dice = random.nextInt(100);
        if (dice < 45) {
            model.tweet(user, api.tweet(user, "racing"));
        } else if (dice < 90) {
            if (user == other) {
                return;
            }
            if (model.follows(user, other)) {
                api.unfollow(user, other);
                model.unfollow(user, other);
            } else {
                api.follow(user, other).expect(201);
                model.follow(user, other);
            }
        } else {
            List<Long> own = model.tweetsOf(user);
            if (!own.isEmpty()) {
                long tweet = own.get(random.nextInt(own.size()));
                api.deleteTweet(user, tweet);
                model.delete(user, tweet);
            }
        }
    }
}
