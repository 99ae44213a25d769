package dev.twitterarch.step6;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import redis.clients.jedis.AbstractPipeline;

/**
 * Who has a live socket somewhere, so that the workers publish live events only for them: one
 * sorted set in Redis, {@code live:online}, member the reader id, score the last time an API process
 * said the reader was connected to it. Each API process says so when a reader's first socket opens
 * and again every {@link #HEARTBEAT} for all of its readers; a reader not seen for
 * {@link #EXPIRY} is offline. So a reader who disconnects, or whose process dies, costs at most
 * {@code EXPIRY} of events published for nobody (RabbitMQ drops them), and nothing needs cleaning
 * up after a crash. Without this, a worker would publish one message per follower row it writes,
 * nearly all of them for readers who are offline.
 *
 * <p>Redis down: everyone counts as online (the events are published and routed as before; the
 * readers who are connected lose nothing). These calls go around the cache's circuit breaker
 * ({@link SoftRedis#quietly}): a presence call that fails has missed no cached write.
 */
class LivePresence {

    static final String KEY = "live:online";
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    static final Duration EXPIRY = HEARTBEAT.multipliedBy(3);

    private final SoftRedis redis;
    private final Clock clock;

    LivePresence(SoftRedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** API side: these readers have a socket here now. Also forgets whoever has expired. */
    void seen(Collection<Long> readers) {
        if (readers.isEmpty()) {
            return;
        }
        long now = clock.millis();
        redis.quietly(jedis -> {
            try (AbstractPipeline pipeline = jedis.pipelined()) {
                readers.forEach(reader -> pipeline.zadd(KEY, now, Long.toString(reader)));
                pipeline.zremrangeByScore(KEY, Double.NEGATIVE_INFINITY, now - EXPIRY.toMillis());
                pipeline.sync();
            }
            return null;
        }, () -> null);
    }

    /** Worker side: which of these readers have a socket somewhere (all of them when Redis does not answer). */
    List<Long> online(List<Long> readers) {
        if (readers.isEmpty()) {
            return readers;
        }
        Supplier<List<Double>> unknown = () -> null;
        List<Double> seen = redis.quietly(jedis -> jedis.zmscore(KEY, readers.stream().map(String::valueOf).toArray(String[]::new)),
                unknown);
        if (seen == null) {
            return readers;
        }
        long since = clock.millis() - EXPIRY.toMillis();
        List<Long> online = new ArrayList<>();
        for (int i = 0; i < readers.size(); i++) {
            if (seen.get(i) != null && seen.get(i) >= since) {
                online.add(readers.get(i));
            }
        }
        return online;
    }
}
