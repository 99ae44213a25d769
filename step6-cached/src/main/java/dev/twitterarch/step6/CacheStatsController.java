package dev.twitterarch.step6;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code GET /cache/stats}: how well the cache is doing, as the original's step 6 showed. The
 * counts are this process's, read from the same meters /metrics exports (since the start).
 */
@RestController
class CacheStatsController {

    /** Home timelines whose memory is measured (MEMORY USAGE, every member counted) for the mean. */
    private static final int MEMORY_SAMPLE = 50;

    private final CacheMeters meters;
    private final SoftRedis redis;
    private final Celebrities celebrities;

    CacheStatsController(CacheMeters meters, SoftRedis redis, Celebrities celebrities) {
        this.meters = meters;
        this.redis = redis;
        this.celebrities = celebrities;
    }

    @GetMapping("/cache/stats")
    Map<String, Object> stats() {
        long hits = meters.hits();
        long misses = meters.misses();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("hits", hits);
        stats.put("misses", misses); // pages that needed PostgreSQL; the three reasons follow
        stats.put("hit_ratio", hits + misses == 0 ? 0.0 : (double) hits / (hits + misses));
        stats.put("misses_filled", meters.reads(CacheMeters.Result.FILL));
        stats.put("misses_past_cache", meters.reads(CacheMeters.Result.PAST_CACHE));
        stats.put("misses_redis_down", meters.reads(CacheMeters.Result.REDIS_DOWN));
        stats.put("merges", meters.merges());
        stats.put("celebrities", celebrities.count());
        stats.put("celebrity_threshold", celebrities.threshold());
        stats.put("celebrity_tweets_not_fanned_out", meters.celebrityTweets());
        stats.put("redis_calls", meters.redisCalls());
        stats.put("redis_time_ms", meters.redisTime().toNanos() / 1e6);
        stats.put("redis_failures", meters.redisFailures());
        stats.put("redis_calls_skipped", meters.redisCallsSkipped()); // by the circuit breaker, while Redis is down
        stats.put("redis_up", redis.call(jedis -> "PONG".equals(jedis.ping()), () -> false));
        List<String> feeds = redis.call(jedis -> keys(jedis, TimelineKeys.FEED_PATTERN), () -> null);
        stats.put("cached_feeds", feeds == null ? null : feeds.size());
        stats.put("cached_celebrity_timelines", redis.call(jedis -> keys(jedis, TimelineKeys.TIMELINE_PATTERN).size(), () -> null));
        stats.put("memory_per_cached_feed_bytes", feeds == null || feeds.isEmpty() ? null
                : redis.call(jedis -> meanMemory(jedis, feeds.subList(0, Math.min(MEMORY_SAMPLE, feeds.size()))), () -> null));
        stats.put("keys_in_database", redis.call(jedis -> jedis.dbSize(), () -> null));
        // Redis reports memory for the whole server, all numbered databases together
        stats.put("redis_server_used_memory_bytes", redis.call(jedis -> usedMemory(jedis.info("memory")), () -> null));
        return stats;
    }

    /** Every key matching the pattern (SCAN, never KEYS). */
    private static List<String> keys(UnifiedJedis jedis, String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return keys;
    }

    /** Mean bytes Redis holds for these keys (key, sorted set, every member; MEMORY USAGE ... SAMPLES 0). */
    private static Long meanMemory(UnifiedJedis jedis, List<String> keys) {
        long total = 0;
        int counted = 0;
        for (String key : keys) {
            Long bytes = jedis.memoryUsage(key, 0);
            if (bytes != null) { // expired since the scan
                total += bytes;
                counted++;
            }
        }
        return counted == 0 ? null : total / counted;
    }

    private static Long usedMemory(String info) {
        return info.lines().filter(line -> line.startsWith("used_memory:"))
                .map(line -> Long.parseLong(line.substring("used_memory:".length()).strip()))
                .findFirst().orElse(null);
    }
}
