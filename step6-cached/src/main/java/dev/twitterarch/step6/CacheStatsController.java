package dev.twitterarch.step6;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** {@code GET /cache/stats}: how well the cache is doing, as the original's step 6 showed. */
@RestController
class CacheStatsController {

    private final HomeTimelines feed;
    private final SoftRedis redis;

    CacheStatsController(HomeTimelines feed, SoftRedis redis) {
        this.feed = feed;
        this.redis = redis;
    }

    @GetMapping("/cache/stats")
    Map<String, Object> stats() {
        long hits = feed.hits();
        long misses = feed.misses();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("hits", hits);
        stats.put("misses", misses);
        stats.put("hit_ratio", hits + misses == 0 ? 0.0 : (double) hits / (hits + misses));
        stats.put("redis_failures", redis.failures());
        stats.put("redis_calls_skipped", redis.skipped()); // by the circuit breaker, while Redis is down
        stats.put("redis_up", redis.call(jedis -> "PONG".equals(jedis.ping()), () -> false));
        stats.put("cached_feeds", redis.call(CacheStatsController::countFeeds, () -> null));
        stats.put("keys_in_database", redis.call(jedis -> jedis.dbSize(), () -> null));
        // Redis reports memory for the whole server, all numbered databases together
        stats.put("redis_server_used_memory_bytes", redis.call(jedis -> usedMemory(jedis.info("memory")), () -> null));
        return stats;
    }

    private static long countFeeds(redis.clients.jedis.UnifiedJedis jedis) {
        long count = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(TimelineKeys.FEED_PATTERN).count(1000));
            count += page.getResult().size();
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return count;
    }

    private static Long usedMemory(String info) {
        return info.lines().filter(line -> line.startsWith("used_memory:"))
                .map(line -> Long.parseLong(line.substring("used_memory:".length()).strip()))
                .findFirst().orElse(null);
    }
}
