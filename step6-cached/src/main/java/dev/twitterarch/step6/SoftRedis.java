package dev.twitterarch.step6;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis as a cache may fail: every call goes through {@link #call}, which turns a Redis failure
 * into the caller's fallback (PostgreSQL), never into an error for the client.
 *
 * <p>A circuit breaker keeps a dead or hung Redis cheap: after a failure, calls skip Redis for a
 * second (up to {@link #MAX_PAUSE} after repeated failures) instead of each waiting for a timeout,
 * then one call tries again.
 *
 * <p>While Redis was unreachable this process missed timeline updates, so its timelines may be
 * stale. The first call after an outage therefore drops every cached timeline before anything else
 * is read (a fill under way loses its claim with it, so it cannot write what it loaded before the
 * outage): the cache then refills from PostgreSQL, and catches up.
 */
class SoftRedis {

    private static final Logger log = LoggerFactory.getLogger(SoftRedis.class);

    private final UnifiedJedis redis;
    private final CacheMeters meters;
    private final AtomicBoolean missedWrites = new AtomicBoolean();
    private volatile Instant lastWarning = Instant.EPOCH;
    private volatile Instant pausedUntil = Instant.EPOCH;
    private volatile Duration pause = MIN_PAUSE;

    static final Duration MIN_PAUSE = Duration.ofSeconds(1);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    SoftRedis(UnifiedJedis redis, CacheMeters meters) {
        this.redis = redis;
        this.meters = meters;
    }

    <T> T call(Function<UnifiedJedis, T> command, Supplier<T> fallback) {
        if (Instant.now().isBefore(pausedUntil)) {
            meters.redisSkipped();
            missedWrites.set(true); // a skipped write is a missed write
            return fallback.get();
        }
        long started = System.nanoTime();
        try {
            if (missedWrites.get()) {
                dropStaleFeeds();
            }
            T result = command.apply(redis);
            meters.redisCall(System.nanoTime() - started, true);
            pause = MIN_PAUSE;
            return result;
        } catch (RuntimeException e) {
            meters.redisCall(System.nanoTime() - started, false);
            missedWrites.set(true);
            pausedUntil = Instant.now().plus(pause);
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            warn(e);
            return fallback.get();
        }
    }

    /**
     * A best-effort call outside the cache (live delivery's presence): its failure misses no cached
     * write and must not pause the cache's calls, so it neither trips the circuit breaker nor marks
     * the timelines stale; it only keeps away while the breaker is open.
     */
    <T> T quietly(Function<UnifiedJedis, T> command, Supplier<T> fallback) {
        if (Instant.now().isBefore(pausedUntil)) {
            return fallback.get();
        }
        try {
            return command.apply(redis);
        } catch (RuntimeException e) {
            return fallback.get();
        }
    }

    /** True while the breaker keeps calls away from Redis. */
    boolean paused() {
        return Instant.now().isBefore(pausedUntil);
    }


    void run(java.util.function.Consumer<UnifiedJedis> command) {
        call(jedis -> {
            command.accept(jedis);
            return null;
        }, () -> null);
    }


    private synchronized void dropStaleFeeds() {
        if (!missedWrites.compareAndSet(true, false)) {
            return; // another thread swept already; a write failing from now on sets the flag again
        }
        long dropped = drop(TimelineKeys.FEED_PATTERN) + drop(TimelineKeys.TIMELINE_PATTERN);
        log.warn("Redis is back: dropped {} cached timelines that may have missed updates; they refill from PostgreSQL", dropped);
    }

    /** Deletes every key matching the pattern (SCAN and UNLINK, never KEYS); returns how many. */
    long drop(String pattern) {
        long dropped = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().match(pattern).count(1000));
            if (!page.getResult().isEmpty()) {
                dropped += redis.unlink(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return dropped;
    }

    private void warn(RuntimeException e) {
        Instant now = Instant.now();
        if (now.isAfter(lastWarning.plusSeconds(10))) {
            lastWarning = now;
            log.warn("Redis unavailable, serving from PostgreSQL: {} ({} failed calls so far)", e.toString(), meters.redisFailures());
        }
    }
}
