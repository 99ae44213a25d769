package dev.twitterarch.common.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several clients posting tweets as one author, each at a steady pace, until stopped: the traffic
 * a fault test breaks into. Every answer is recorded (status, headers, time), so
 * the test can tell what was accepted, what was refused and how, and how long anyone waited.
 */
public final class PostingBurst implements AutoCloseable {

    /**
     * One POST and its answer. {@code tweetId} is set when it was accepted (201); {@code answeredAt}
     * is {@link System#nanoTime()} when the answer came; {@code status} is -1 when no answer came.
     */
    public record Post(String method, int status, Long tweetId, String contentType, String retryAfter, long millis,
                       long answeredAt, String body) {
    }

    private final ApiClient api;
    private final long author;
    private final ScheduledExecutorService clients;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * @param clients how many clients post side by side
     * @param pace    each client's pause between an answer and its next post: a steady load, not a flood
     */
    public PostingBurst(ApiClient api, long author, int clients, Duration pace) {
        this(api, author, null, clients, pace);
    }

    /**
     * Mixed traffic: {@code clients} post as {@code author}, as many more read {@code reader}'s
     * feed (GET, recorded with the posts; a read's {@code tweetId} stays null).
     */
    public static PostingBurst withReads(ApiClient api, long author, long reader, int clients, Duration pace) {
        return new PostingBurst(api, author, reader, clients, pace);
    }

    private PostingBurst(ApiClient api, long author, Long reader, int clients, Duration pace) {
        this.api = api;
        this.author = author;
        this.clients = Executors.newScheduledThreadPool(reader == null ? clients : 2 * clients);
        for (int i = 0; i < clients; i++) {
            this.clients.scheduleWithFixedDelay(this::postOnce, 0, pace.toMillis(), TimeUnit.MILLISECONDS);
            if (reader != null) {
                this.clients.scheduleWithFixedDelay(() -> readOnce(reader), 0, pace.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void postOnce() {
        if (!stopping) {
            record("POST", () -> api.postJson("/api/tweets/", author, Map.of("content", "burst tweet " + sent.incrementAndGet())));
        }
    }

    private void readOnce(long reader) {
        if (!stopping) {
            record("GET", () -> api.get("/api/feed/?limit=20", reader));
        }
    }

    private void record(String method, java.util.function.Supplier<ApiClient.Response> request) {
        long started = System.nanoTime();
        ApiClient.Response response;
        try {
            response = request.get();
        } catch (RuntimeException e) {
            posts.add(new Post(method, -1, null, "", null, Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    System.nanoTime(), e.toString()));
            return;
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        Long id = method.equals("POST") && response.status() == 201 ? response.json().get("id").asLong() : null;
        posts.add(new Post(method, response.status(), id, response.contentType(), response.header("Retry-After"), millis,
                System.nanoTime(), response.body()));
    }

    /** Posts answered so far (in any way). */
    public int answered() {
        return posts.size();
    }

    /** Every post answered so far, in the order the answers came. */
    public List<Post> posts() {
        return List.copyOf(posts);
    }

    /** Lets the requests in flight finish, then stops. */
    @Override
    public void close() {
        stopping = true;
        clients.shutdown();
        try {
            if (!clients.awaitTermination(2, TimeUnit.MINUTES)) {
                throw new AssertionError("posting clients still waiting for answers after 2 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
