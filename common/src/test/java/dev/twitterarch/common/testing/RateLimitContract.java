package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.testing.ApiClient.Response;

/**
 * The rate limits, turned low: 3 tweets and 2 follows or unfollows per user per hour (so no refill
 * happens during the test). Over the limit is a 429 problem with Retry-After that stored nothing,
 * and one user's use never counts against another. One empty subclass per step that runs it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twitter.rate-limit.tweets.requests=3", "twitter.rate-limit.tweets.per=1h",
        "twitter.rate-limit.follows.requests=2", "twitter.rate-limit.follows.per=1h"})
public abstract class RateLimitContract {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    private static void assertLimited(Response response, String... mentions) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains(mentions);
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 3600L);
    }

    @Test
    void theFourthTweetIs429AndOtherUsersStillPost() {
        ApiClient api = new ApiClient(port);
        long limited = api.createUser();
        long other = api.createUser();
        for (int i = 0; i < 3; i++) {
            api.tweet(limited, "within the limit " + i);
        }
        assertLimited(api.postJson("/api/tweets/", limited, Map.of("content", "one too many")), "3 tweets", "1 hour",
                "Retry-After");
        assertThat(api.wholeFeed(limited, 10)).hasSize(3);
        api.tweet(other, "my own bucket");
        // reads and deletes are not limited
        api.page(limited, 10, null);
        api.deleteTweet(limited, api.page(limited, 1, null).ids().get(0));
        assertLimited(api.postJson("/api/tweets/", limited, Map.of("content", "a delete gives nothing back")), "tweets");
    }

    @Test
    void followsAndUnfollowsShareOneLimit() {
        ApiClient api = new ApiClient(port);
        long limited = api.createUser();
        long other = api.createUser();
        long author = api.createUser();
        api.follow(limited, author).expect(201);
        api.unfollow(limited, author);
        assertLimited(api.follow(limited, author), "2 follows and unfollows");
        assertLimited(api.delete("/api/subscriptions/unfollow/" + author, limited), "follows");
        assertThat(api.get("/api/users/" + author, null).json().get("followers_count").asLong()).isZero();
        api.follow(other, author).expect(201);
        // the tweet limit is a bucket of its own
        api.tweet(limited, "still allowed");
    }

    @Test
    void theLimitsAreShownInTheInfo() {
        var limits = new ApiClient(port).get("/api/info", null).expect(200).json().get("rate_limits");
        assertThat(limits.get("tweets").get("requests").asInt()).isEqualTo(3);
        assertThat(limits.get("tweets").get("per_seconds").asLong()).isEqualTo(3600);
        assertThat(limits.get("follows").get("requests").asInt()).isEqualTo(2);
    }
}
