package dev.twitterarch.common.limit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.twitterarch.common.web.ActingUser;
import dev.twitterarch.common.web.ApiException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Bucket4j token buckets, one per acting user and action, in this process's memory. With several
 * API processes each keeps its own buckets, so a client spread over N of them gets N times the
 * limit; buckets shared through Redis (Bucket4j's proxy managers) would close that, at a Redis round
 * trip per write.
 *
 * <p>A bucket that has stood idle for its whole period is full again, exactly as a new one, so
 * Caffeine drops it after that long without use: memory follows the users active in the last period,
 * not every user ever seen. The size bound is a backstop only (an evicted bucket that was not yet
 * full forgets some of its user's use).
 */
@Component
public class RateLimiter {

    /** What is limited; each has its own bucket per user. */
    public enum Action {
        TWEET("tweets"), FOLLOW("follows and unfollows");

        private final String described;

        Action(String described) {
            this.described = described;
        }
    }

    private static final long MAX_BUCKETS = 1_000_000;

    private final Map<Action, RateLimitProperties.Limit> limits = new EnumMap<>(Action.class);
    private final Map<Action, Cache<Long, Bucket>> buckets = new EnumMap<>(Action.class);

    RateLimiter(RateLimitProperties properties) {
        limits.put(Action.TWEET, properties.tweets());
        limits.put(Action.FOLLOW, properties.follows());
        limits.forEach((action, limit) -> {
            if (limit.enabled()) {
                buckets.put(action, Caffeine.newBuilder().expireAfterAccess(limit.per()).maximumSize(MAX_BUCKETS).build());
            }
        });
    }

    /** Takes one request from the user's bucket, or throws the API's 429 with Retry-After when it is empty. */
    public void acquire(Action action, ActingUser user) {
        Cache<Long, Bucket> cache = buckets.get(action);
        if (cache == null) {
            return; // no limit on this action
        }
        RateLimitProperties.Limit limit = limits.get(action);
        Bucket bucket = cache.get(user.id(), id -> Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.requests()).refillGreedy(limit.requests(), limit.per()))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
            throw ApiException.tooManyRequests("rate limit: user " + user.id() + " may make at most " + limit.requests() + " "
                    + action.described + " per " + describe(limit.per()) + "; the next is allowed in "
                    + ApiException.retryAfterSeconds(wait) + " s (Retry-After)", wait);
        }
    }

    public RateLimitProperties.Limit limit(Action action) {
        return limits.get(action);
    }

    /** "1 minute", "10 seconds", "PT1.5S" for anything less round. */
    static String describe(Duration period) {
        if (period.toNanosPart() == 0) {
            long seconds = period.toSeconds();
            if (seconds % 3600 == 0) {
                return plural(seconds / 3600, "hour");
            }
            if (seconds % 60 == 0) {
                return plural(seconds / 60, "minute");
            }
            return plural(seconds, "second");
        }
        return period.toString();
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
