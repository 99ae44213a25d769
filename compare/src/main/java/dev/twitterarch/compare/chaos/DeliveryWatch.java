package dev.twitterarch.compare.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Times each acknowledged tweet from its 201 to the moment all its feed rows are in: asks
 * PostgreSQL (directly) every 200 ms which of the tweets still waiting are complete. The longest
 * of those times is the scenario's "longest lag"; {@link #awaitQuiet} waits until none is waiting.
 * A poll that fails (a real PostgreSQL restart) reconnects and tries again at the next one.
 */
final class DeliveryWatch implements AutoCloseable {

    private final Supplier<Connection> connect;
    private final String schema;
    private final Map<Long, Long> waiting = new ConcurrentHashMap<>(); // tweet id -> acknowledged at (nanos)
    private final Map<Long, Long> authors;
    private final Map<Long, Long> acknowledged;
    private final Supplier<Set<Long>> declaredLost;
    private final Set<Long> untimed = ConcurrentHashMap.newKeySet();
    private final AtomicLong longest = new AtomicLong(-1);
    private final Thread poller;
    private volatile boolean running = true;
    private volatile String lastError = "";

    /**
     * @param authors      the acknowledged tweets (id to author), filled as the 201s come in
     * @param declaredLost the tweets whose fan-out the step has declared lost (not waited for)
     */
    DeliveryWatch(Supplier<Connection> connect, String schema, Map<Long, Long> authors, Supplier<Set<Long>> declaredLost) {
        this.declaredLost = declaredLost;
        this.connect = connect;
        this.schema = schema;
        this.authors = new ConcurrentHashMap<>();
        this.acknowledged = authors;
        this.poller = new Thread(this::poll, "delivery-watch");
        poller.setDaemon(true);
        poller.start();
    }

    void acknowledged(long tweetId) {
        waiting.put(tweetId, System.nanoTime());
    }

    /**
     * Also waits for tweets that are stored although their post had no 201 (the client gave up or
     * saw a 5xx): they are fanned out too, so the check must not count them before that is over.
     * Not timed (there is no 201 to time from).
     */
    void alsoAwait(Map<Long, Long> storedWithoutAck) {
        storedWithoutAck.forEach((id, author) -> {
            authors.putIfAbsent(id, author);
            untimed.add(id);
            waiting.putIfAbsent(id, System.nanoTime());
        });
    }

    int waiting() {
        return waiting.size();
    }

    long longestLagMillis() {
        return longest.get();
    }

    private void poll() {
        Connection db = null;
        for (long round = 0; running; round++) {
            try {
                if (round % 10 == 0) { // every 2 s: the logs grow long
                    declaredLost.get().forEach(waiting::remove);
                }
                if (db == null) {
                    db = connect.get();
                }
                FeedCheck check = new FeedCheck(db, schema);
                Map<Long, Long> now = new HashMap<>();
                for (Long id : waiting.keySet()) {
                    Long author = acknowledged.getOrDefault(id, authors.get(id));
                    if (author != null) {
                        now.put(id, author);
                    }
                }
                Set<Long> done = check.complete(now);
                long at = System.nanoTime();
                for (Long id : done) {
                    Long since = waiting.remove(id);
                    if (since != null && !untimed.contains(id)) {
                        longest.accumulateAndGet((at - since) / 1_000_000, Math::max);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                lastError = e.getMessage();
                close(db);
                db = null;
            }
            Traffic.sleep(200);
        }
        close(db);
    }

    /** Waits until every acknowledged tweet is complete, printing progress every 5 s; false at the timeout. */
    boolean awaitQuiet(Duration timeout) {
        long start = System.nanoTime();
        long lastReport = start;
        while (!waiting.isEmpty()) {
            long now = System.nanoTime();
            if (now - start > timeout.toNanos()) {
                System.out.printf("   fan-out did not finish within %d s: %d acknowledged tweets still miss feed rows%s%n",
                        timeout.toSeconds(), waiting.size(), lastError.isEmpty() ? "" : " (last poll error: " + lastError + ")");
                return false;
            }
            if (now - lastReport > 5_000_000_000L) {
                lastReport = now;
                System.out.printf("   waiting for fan-out: %d acknowledged tweets still miss feed rows (%d s)%n",
                        waiting.size(), (now - start) / 1_000_000_000L);
            }
            Traffic.sleep(100);
        }
        return true;
    }

    private static void close(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                // gone anyway
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
    }
}
