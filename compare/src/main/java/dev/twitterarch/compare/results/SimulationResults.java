package dev.twitterarch.compare.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.twitterarch.compare.FanOutProgress.Settled;

/**
 * What one simulation run measured, handed from the simulation (which writes it when the run ends, in
 * Gatling's JVM) to the report (which reads it): one JSON file per run, {@value #FILE}, readable by a
 * person too.
 *
 * @param requests          Gatling's own statistics by request name ({@link RequestName#label()}): the
 *                          numbers of Gatling's HTML report, read from its simulation.log
 * @param stages            per closed-model stage, by its concurrent users: from the first request sent to
 *                          the last response received, the wall time a stage's throughput is counted over
 * @param afterMixedTraffic how long the fan-out took to catch up after the mixed traffic (null in step 1:
 *                          nothing to wait for)
 * @param afterAuthorPosts  the same after each write-cost author's posts, by the author's follower count
 * @param lags              one per celebrity post
 * @param cache             step 6: its /cache/stats before the first stage and after each
 * @param readsOnly         the reads-only stage after the mixed traffic (null if the run had none)
 */
public record SimulationResults(Map<String, RequestStats> requests, Map<Integer, Window> stages, Settled afterMixedTraffic,
                                Map<Integer, Settled> afterAuthorPosts, List<Lag> lags, List<CacheSnapshot> cache,
                                ReadsOnly readsOnly) {

    public static final String FILE = "results.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public SimulationResults {
        requests = requests == null ? Map.of() : requests;
        stages = stages == null ? Map.of() : stages;
        afterAuthorPosts = afterAuthorPosts == null ? Map.of() : afterAuthorPosts;
        lags = lags == null ? List.of() : lags;
        cache = cache == null ? List.of() : cache;
    }

    /**
     * Gatling's counts of one request name, and its response-time percentiles (ms) of the successful
     * responses; all zero if no request of that name was sent.
     */
    public record RequestStats(long ok, long ko, int p50, int p95, int p99) {

        public static final RequestStats NONE = new RequestStats(0, 0, 0, 0, 0);

        public long count() {
            return ok + ko;
        }
    }

    /** From the first request sent to the last response received, epoch milliseconds. */
    public record Window(long startMillis, long endMillis) {

        public static Window at(long millis) {
            return new Window(millis, millis);
        }

        public Window union(Window other) {
            return new Window(Math.min(startMillis, other.startMillis), Math.max(endMillis, other.endMillis));
        }

        public double seconds() {
            return (endMillis - startMillis) / 1000.0;
        }
    }

    /**
     * One celebrity post, each time from just before the POST, in ms: until it returned, until the first
     * and the last sampled follower saw the tweet in their feed (-1: not all did), until PostgreSQL held
     * every follower's row (-1: timed out; null in step 1, which writes no rows).
     */
    public record Lag(long postMillis, long firstSeenMillis, long lastSeenMillis, Long allRowsMillis, boolean complete) {
    }

    /**
     * The reads-only stage: its concurrent users, its wall time, and (step 6) /cache/stats right before
     * and right after it, so its own hits and misses can be told.
     */
    public record ReadsOnly(int users, Window window, CacheStats cacheBefore, CacheStats cacheAfter) {
    }

    /** Step 6's /cache/stats (cumulative) after the stage of {@code afterUsers} users; 0: before the first stage. */
    public record CacheSnapshot(int afterUsers, CacheStats stats) {
    }

    /** The fields of step 6's {@code GET /cache/stats} answer that the report compares; it has more. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CacheStats(long hits, long misses, Long cachedFeeds, long redisFailures, long redisCallsSkipped) {

        public static CacheStats parse(String json) {
            try {
                return JSON.readValue(json, CacheStats.class);
            } catch (IOException e) {
                throw new UncheckedIOException("not a /cache/stats answer: " + json, e);
            }
        }
    }

    public RequestStats request(RequestName name) {
        return requests.getOrDefault(name.label(), RequestStats.NONE);
    }

    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The results in {@code dir}, or none (a step that did not start, or whose simulation crashed, has none). */
    public static SimulationResults read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return new SimulationResults(null, null, null, null, null, null, null);
        }
        try {
            return JSON.readValue(file.toFile(), SimulationResults.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + file + ": " + e.getMessage(), e);
        }
    }
}
