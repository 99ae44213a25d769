package dev.twitterarch.step6;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Step 6's meters, exported at /metrics next to step 5's (Prometheus names):
 * <pre>
 *   twitter_cache_reads_total{result}     feed pages read: hit (all from Redis), or what needed PostgreSQL:
 *                                         fill (a timeline was not cached: loaded and cached), past_cache (deeper
 *                                         than the cached window), redis_down
 *   twitter_cache_merges_total            pages that merged celebrities' timelines
 *   twitter_cache_merged_timelines        celebrity timelines merged into one page
 *   twitter_cache_redis_seconds{outcome}  time of each Redis call (ok or failed)
 *   twitter_cache_redis_skipped_total     calls the circuit breaker kept away from a failing Redis
 *   twitter_celebrity_changes_total{change}  promotions and demotions
 *   twitter_celebrity_tweets_total        tweets not fanned out, their author being a celebrity
 *   twitter_celebrities                   (gauge, registered by the wiring)
 * </pre>
 * /cache/stats reads its counts from these meters too.
 */
class CacheMeters {

    enum Result {
        HIT, FILL, PAST_CACHE, REDIS_DOWN
    }

    private final Counter[] reads = new Counter[Result.values().length];
    private final Counter merges;
    private final DistributionSummary mergedTimelines;
    private final Timer redisOk;
    private final Timer redisFailed;
    private final Counter redisSkipped;
    private final Counter promotions;
    private final Counter demotions;
    private final Counter celebrityTweets;

    CacheMeters(MeterRegistry registry) {
        for (Result result : Result.values()) {
            reads[result.ordinal()] = Counter.builder("twitter.cache.reads").tag("result", result.name().toLowerCase())
                    .description("feed pages read, by where they came from").register(registry);
        }
        merges = Counter.builder("twitter.cache.merges").description("feed pages that merged celebrities' timelines")
                .register(registry);
        mergedTimelines = DistributionSummary.builder("twitter.cache.merged.timelines")
                .description("celebrity timelines merged into one page").register(registry);
        redisOk = redisTimer(registry, "ok");
        redisFailed = redisTimer(registry, "failed");
        redisSkipped = Counter.builder("twitter.cache.redis.skipped")
                .description("Redis calls the circuit breaker kept away from a failing Redis").register(registry);
        promotions = Counter.builder("twitter.celebrity.changes").tag("change", "promoted")
                .description("authors who became or stopped being celebrities").register(registry);
        demotions = Counter.builder("twitter.celebrity.changes").tag("change", "demoted")
                .description("authors who became or stopped being celebrities").register(registry);
        celebrityTweets = Counter.builder("twitter.celebrity.tweets")
                .description("tweets left out of the fan-out, their author being a celebrity").register(registry);
    }

    private static Timer redisTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("twitter.cache.redis").tag("outcome", outcome).description("time of one Redis call")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(20))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    void read(Result result) {
        reads[result.ordinal()].increment();
    }

    void merged(int timelines) {
        merges.increment();
        mergedTimelines.record(timelines);
    }

    void redisCall(long nanos, boolean ok) {
        (ok ? redisOk : redisFailed).record(nanos, TimeUnit.NANOSECONDS);
    }

    void redisSkipped() {
        redisSkipped.increment();
    }

    void statusChanged(boolean promoted) {
        (promoted ? promotions : demotions).increment();
    }

    void celebrityTweet() {
        celebrityTweets.increment();
    }

    long reads(Result result) {
        return (long) reads[result.ordinal()].count();
    }

    long hits() {
        return reads(Result.HIT);
    }

    /** Pages that needed PostgreSQL, for whatever reason. */
    long misses() {
        return reads(Result.FILL) + reads(Result.PAST_CACHE) + reads(Result.REDIS_DOWN);
    }

    long merges() {
        return (long) merges.count();
    }

    long redisFailures() {
        return redisFailed.count();
    }

    long redisCallsSkipped() {
        return (long) redisSkipped.count();
    }

    long redisCalls() {
        return redisOk.count() + redisFailed.count();
    }

    /** Total time spent in Redis calls, failed ones included. */
    Duration redisTime() {
        return Duration.ofNanos((long) (redisOk.totalTime(TimeUnit.NANOSECONDS)
                + redisFailed.totalTime(TimeUnit.NANOSECONDS)));
    }

    long promotions() {
        return (long) promotions.count();
    }

    long demotions() {
        return (long) demotions.count();
    }

    long celebrityTweets() {
        return (long) celebrityTweets.count();
    }
}
