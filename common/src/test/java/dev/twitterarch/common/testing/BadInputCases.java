package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.twitterarch.common.testing.ApiClient.Response;

/**
 * Bad input gets a clear 4xx {@code application/problem+json} whose detail names the fault, never
 * a 500 and never a stack trace. Part of {@link FeedContract}: every step answers the same.
 */
interface BadInputCases {

    ApiClient api();

    private static void assertProblem(Response response, int status, String... detailMentions) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        String detail = problem.get("detail").asString();
        assertThat(detail).isNotBlank();
        if (detailMentions.length > 0) {
            assertThat(detail).contains(detailMentions);
        }
        assertThat(response.body()).doesNotContain("Exception", "at dev.", "at org.", "trace");
    }

    private static Map<String, String> json(long actingUser) {
        return Map.of("Content-Type", "application/json", "X-User-ID", Long.toString(actingUser));
    }

    @Test
    default void malformedJsonIs400() {
        long user = api().createUser();
        assertProblem(api().send("POST", "/api/tweets/", json(user), "{\"content\": \"unterminated"), 400, "JSON");
        assertProblem(api().send("POST", "/api/tweets/", json(user), "[1, 2]"), 400, "JSON object");
        assertProblem(api().send("POST", "/api/tweets/", json(user), ""), 400, "body");
    }

    @Test
    default void wrongContentTypeIs415() {
        long user = api().createUser();
        assertProblem(api().send("POST", "/api/tweets/", Map.of("Content-Type", "text/plain", "X-User-ID", "" + user),
                "{\"content\": \"hi\"}"), 415, "text/plain");
    }

    @Test
    default void missingActingUserIs401() {
        assertProblem(api().send("POST", "/api/tweets/", Map.of("Content-Type", "application/json"), "{\"content\": \"hi\"}"),
                401, "X-User-ID");
        assertProblem(api().send("GET", "/api/feed/", Map.of(), null), 401, "X-User-ID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "12abc", "1.5", "-3", "0", "99999999999999999999"})
    default void malformedActingUserIs400(String header) {
        assertProblem(api().send("GET", "/api/feed/", Map.of("X-User-ID", header), null), 400, "X-User-ID");
    }

    @Test
    default void unknownUsersAre404() {
        long ghost = 4_000_000_000_000L;
        long user = api().createUser();
        assertProblem(api().postJson("/api/tweets/", ghost, Map.of("content", "hi")), 404, Long.toString(ghost));
        assertProblem(api().get("/api/feed/", ghost), 404, Long.toString(ghost));
        assertProblem(api().get("/api/users/" + ghost, null), 404, Long.toString(ghost));
        assertProblem(api().follow(user, ghost), 404, Long.toString(ghost));
        assertProblem(api().follow(ghost, user), 404, Long.toString(ghost));
        assertProblem(api().get("/api/tweets/" + ghost, null), 404, Long.toString(ghost));
    }

    @Test
    default void takenUsernameIs409EvenInAnotherCase() {
        String name = "taken_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        api().postJson("/api/users/", null, Map.of("username", name, "email", "a@example.org")).expect(201);
        assertProblem(api().postJson("/api/users/", null, Map.of("username", name, "email", "b@example.org")), 409, name);
        assertProblem(api().postJson("/api/users/", null, Map.of("username", name.toUpperCase(), "email", "c@example.org")),
                409, name.toUpperCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "has space", "dash-name", "x'; DROP TABLE users; --", "ünïcödé",
            "a_name_that_is_much_longer_than_thirty_characters"})
    default void badUsernameIs400(String username) {
        assertProblem(api().postJson("/api/users/", null, Map.of("username", username, "email", "ok@example.org")), 400,
                "username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "two@@example.org", "spa ce@example.org", "@example.org"})
    default void badEmailIs400(String email) {
        assertProblem(api().postJson("/api/users/", null, Map.of("username", "ok_" + Math.abs(email.hashCode()), "email", email)),
                400, "email");
    }

    @Test
    default void missingFieldsAre400() {
        assertProblem(api().postJson("/api/users/", null, Map.of("email", "ok@example.org")), 400, "username");
        long user = api().createUser();
        assertProblem(api().postJson("/api/tweets/", user, Map.of()), 400, "content");
        assertProblem(api().postJson("/api/subscriptions/follow", user, Map.of()), 400, "followee_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t"})
    default void emptyTweetIs400(String content) {
        long user = api().createUser();
        assertProblem(api().postJson("/api/tweets/", user, Map.of("content", content)), 400, "content");
    }

    @Test
    default void tweetOver280CodePointsIs400() {
        long user = api().createUser();
        api().postJson("/api/tweets/", user, Map.of("content", "x".repeat(280))).expect(201);
        assertProblem(api().postJson("/api/tweets/", user, Map.of("content", "x".repeat(281))), 400, "content", "280");
        assertProblem(api().postJson("/api/tweets/", user, Map.of("content", "👍".repeat(281))), 400, "content", "280");
    }

    @Test
    default void textPostgresCannotStoreIs400() {
        long user = api().createUser();
        assertProblem(api().send("POST", "/api/tweets/", json(user), "{\"content\": \"nul \\u0000 inside\"}"), 400, "content");
        assertProblem(api().send("POST", "/api/tweets/", json(user), "{\"content\": \"lone \\ud800 surrogate\"}"), 400, "content");
    }

    @Test
    default void selfFollowIs400() {
        long user = api().createUser();
        assertProblem(api().follow(user, user), 400, "followee_id");
    }

    @Test
    default void unfollowOfSomeoneNotFollowedIs404() {
        long user = api().createUser();
        long other = api().createUser();
        assertProblem(api().delete("/api/subscriptions/unfollow/" + other, user), 404, Long.toString(other));
    }

    @Test
    default void deletingSomeoneElsesTweetIs403AndAMissingOneIs404() {
        long author = api().createUser();
        long other = api().createUser();
        long tweet = api().tweet(author, "mine");
        assertProblem(api().delete("/api/tweets/" + tweet, other), 403, Long.toString(tweet));
        assertProblem(api().delete("/api/tweets/" + (tweet + 1), author), 404, Long.toString(tweet + 1));
        api().get("/api/tweets/" + tweet, null).expect(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "99999999999"})
    default void limitOutOfRangeIs400(String limit) {
        long user = api().createUser();
        assertProblem(api().get("/api/feed/?limit=" + limit, user), 400, "limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "-5", "0", "1e9", "99999999999999999999", "%27%20OR%201%3D1"})
    default void garbageCursorIs400(String before) {
        long user = api().createUser();
        assertProblem(api().get("/api/feed/?before=" + before, user), 400, "before");
    }

    @Test
    default void idsThatOverflowALongAre400() {
        long user = api().createUser();
        String huge = "99999999999999999999";
        assertProblem(api().get("/api/users/" + huge, null), 400, "id", huge);
        assertProblem(api().get("/api/tweets/" + huge, null), 400, "id", huge);
        assertProblem(api().delete("/api/tweets/" + huge, user), 400, "id", huge);
        assertProblem(api().delete("/api/subscriptions/unfollow/" + huge, user), 400, huge);
        assertProblem(api().send("POST", "/api/subscriptions/follow", json(user), "{\"followee_id\": " + huge + "}"), 400,
                "followee_id");
        assertProblem(api().send("POST", "/api/subscriptions/follow", json(user), "{\"followee_id\": \"abc\"}"), 400,
                "followee_id");
    }
}
