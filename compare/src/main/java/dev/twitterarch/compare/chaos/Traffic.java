package dev.twitterarch.compare.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Closed-model HTTP traffic against one step, as the seeded users (X-User-ID): each client thread
 * posts or reads its feed, waits {@code thinkMillis}, and does it again until stopped. Every post
 * carries the scenario's marker and a number, so the check finds it in the database whatever its
 * answer was. Records every 201 (id, author, when) and every 5xx (when it was sent and answered),
 * so the scenario can tell the answers during its fault from the rest.
 */
final class Traffic implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One 5xx answer: when its request was sent and answered (System.nanoTime). */
    record Failure(long sentNanos, long answeredNanos, int status) {
    }

    /** Who posts and how often: reads per post, and authors drawn now and then instead of a random user. */
    record Mix(int readsPerPost, List<Long> users, Map<Long, Integer> authorsEvery) {
    }

    private final HttpClient http;
    private final URI base;
    private final String marker;
    private final Mix mix;
    private final long thinkMillis;
    private final LongConsumer onAck;
    private final Map<Long, Long> acknowledged;
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param acknowledged where each 201 goes: tweet id to author
     * @param onAck called with each acknowledged tweet's id, as soon as its 201 is in (the delivery watch starts its clock)
     */
    Traffic(HttpClient http, URI base, String marker, Mix mix, long thinkMillis, Map<Long, Long> acknowledged, LongConsumer onAck) {
        this.acknowledged = acknowledged;
        this.http = http;
        this.base = base;
        this.marker = marker;
        this.mix = mix;
        this.thinkMillis = thinkMillis;
        this.onAck = onAck;
    }

    /** Starts {@code count} client threads. */
    Traffic start(int count, long seed) {
        running = true;
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
            Thread client = new Thread(() -> loop(random), "client-" + i);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        return this;
    }

    private void loop(SplittableRandom random) {
        while (running) {
            long user = mix.users().get(random.nextInt(mix.users().size()));
            if (random.nextInt(mix.readsPerPost() + 1) == 0) {
                long n = posts.incrementAndGet();
                for (Map.Entry<Long, Integer> author : mix.authorsEvery().entrySet()) {
                    if (n % author.getValue() == 0) {
                        user = author.getKey();
                    }
                }
                post(user, n);
            } else {
                send(user, HttpRequest.newBuilder(base.resolve("/api/feed/?limit=20")).GET());
            }
            if (thinkMillis > 0) {
                sleep(thinkMillis);
            }
        }
    }

    /** One post as {@code author}; its 201 is recorded. Also used for the scenario's own posts. */
    void post(long author, long n) {
        String content = marker + n;
        HttpResponse<String> response = send(author, HttpRequest.newBuilder(base.resolve("/api/tweets/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + content + "\"}")));
        if (response != null && response.statusCode() == 201) {
            try {
                long id = JSON.readTree(response.body()).get("id").asLong();
                acknowledged.put(id, author);
                onAck.accept(id);
            } catch (IOException e) {
                throw new IllegalStateException("a 201 without a tweet: " + response.body(), e);
            }
        }
    }

    long nextPostNumber() {
        return posts.incrementAndGet();
    }

    private HttpResponse<String> send(long user, HttpRequest.Builder request) {
        long sent = System.nanoTime();
        requests.incrementAndGet();
        try {
            HttpResponse<String> response = http.send(request.header("X-User-ID", Long.toString(user))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                failures.add(new Failure(sent, System.nanoTime(), response.statusCode()));
            }
            return response;
        } catch (IOException e) {
            ioErrors.incrementAndGet();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return null;
        }
    }

    /** Reads a user's whole feed back to {@code oldestId} (or its end): the ids on its pages, in order. */
    List<Long> feedIds(long user, long oldestId) throws IOException, InterruptedException {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        while (true) {
            URI uri = base.resolve("/api/feed/?limit=100" + (cursor == null ? "" : "&before=" + cursor));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("X-User-ID", Long.toString(user))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri + " as " + user + ": " + response.statusCode() + " " + response.body());
            }
            JsonNode page = JSON.readTree(response.body());
            long last = Long.MAX_VALUE;
            for (JsonNode item : page.get("items")) {
                last = item.get("id").asLong();
                ids.add(last);
            }
            JsonNode next = page.get("next_cursor");
            if (next == null || next.isNull() || last < oldestId) {
                return ids;
            }
            cursor = next.asText();
        }
    }

    /** Stops the clients and waits for their last requests. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(70).toMillis());
        }
    }

    Map<Long, Long> acknowledged() {
        return acknowledged;
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    long requests() {
        return requests.get();
    }

    long ioErrors() {
        return ioErrors.get();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
