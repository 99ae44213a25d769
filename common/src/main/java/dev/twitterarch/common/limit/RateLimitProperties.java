package dev.twitterarch.common.limit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per acting user, under {@code twitter.rate-limit.*}; off by default, so the demos, the tests and
 * {@code compare} measure the steps, not a limit.
 *
 * @param tweets  {@code POST /api/tweets/}
 * @param follows follows and unfollows together: a follow/unfollow loop is one kind of churn
 */
@ConfigurationProperties("twitter.rate-limit")
public record RateLimitProperties(@DefaultValue Limit tweets, @DefaultValue Limit follows) {

    /**
     * At most {@code requests} per {@code per}, refilled evenly over it (a token bucket): a burst of
     * {@code requests}, then one request every {@code per / requests}.
     *
     * @param requests at most this many per user in each period (a burst of this many, then evenly
     *                 refilled); 0: no limit
     * @param per      the period the requests refill over
     */
    public record Limit(@DefaultValue("0") int requests, @DefaultValue("1m") Duration per) {

        public Limit {
            if (requests < 0) {
                throw new IllegalArgumentException("a rate limit's requests must be 0 (no limit) or more, was " + requests);
            }
            if (requests > 0 && (per.isZero() || per.isNegative())) {
                throw new IllegalArgumentException("a rate limit's period must be positive, was " + per);
            }
        }

        public boolean enabled() {
            return requests > 0;
        }
    }
}
