package dev.twitterarch.common.info;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twitterarch.common.auth.AuthProperties;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.limit.RateLimitProperties;

/**
 * {@code GET /api/info}: which step this is and what a client may expect of it: how its feed is
 * built, whether it pushes new tweets (and where), how it authenticates and which limits apply.
 * The page shows it, and decides from it whether to listen or to poll.
 */
@RestController
class InfoController {

    private final ServerInfo info;

    InfoController(@Value("${spring.application.name:}") String step, FeedStrategy feed, ObjectProvider<LiveFeed> live,
                   AuthProperties auth, RateLimitProperties limits) {
        LiveFeed liveFeed = live.getIfAvailable();
        Map<String, Limit> rateLimits = new LinkedHashMap<>();
        if (limits.tweets().enabled()) {
            rateLimits.put("tweets", new Limit(limits.tweets().requests(), limits.tweets().per().toSeconds()));
        }
        if (limits.follows().enabled()) {
            rateLimits.put("follows", new Limit(limits.follows().requests(), limits.follows().per().toSeconds()));
        }
        this.info = new ServerInfo(step, AopUtils.getTargetClass(feed).getSimpleName(),
                liveFeed == null ? null : liveFeed.path(), auth.trustUserHeader(), auth.tokenLifetime().toSeconds(),
                rateLimits);
    }

    /**
     * @param liveFeed      the WebSocket path of live delivery, null where the step has none
     * @param rateLimits    the limits in force per user, by action ({@code tweets}, {@code follows}); empty: none
     */
    record ServerInfo(String step, String feedStrategy, String liveFeed, boolean trustUserHeader, long tokenLifetimeSeconds,
                      Map<String, Limit> rateLimits) {
    }

    /** At most {@code requests} per {@code perSeconds} seconds. */
    record Limit(int requests, long perSeconds) {
    }

    @GetMapping(value = "/api/info", produces = MediaType.APPLICATION_JSON_VALUE)
    ServerInfo info() {
        return info;
    }
}
