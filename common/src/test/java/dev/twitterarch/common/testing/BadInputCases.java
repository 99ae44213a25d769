package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.twitterarch.common.testing.ApiClient.Response;

/**
 * Bad input gets a clear 4xx {@code application/problem+json} whose detail names the fault, never
 * a 500 and never a stack trace, and a refused write has written nothing. Part of
 * {@link FeedContract}: every step answers the same. Requests that {@code HttpClient} will not send
 * (bad percent-encoding, TRACE, a header twice, HTTP/0.9) go over a plain socket ({@link RawHttp}).
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

    /** A JSON request's headers as {@code actingUser} (X-User-ID, or a bearer token in token mode). */
    private Map<String, String> json(long actingUser) {
        return as(actingUser, "Content-Type", "application/json");
    }

    /** {@code name: value} header pairs plus what says that {@code actingUser} acts. */
    private Map<String, String> as(long actingUser, String... namesAndValues) {
        Map<String, String> headers = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return api().actingUser(actingUser, headers);
    }

    /** What an acting user that does not exist gets: 404 for an unproved X-User-ID, 401 for a (well-signed) token. */
    private int unknownActingUser() {
        return api().tokenMode() ? 401 : 404;
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
        assertProblem(api().send("POST", "/api/tweets/", as(user, "Content-Type", "text/plain"),
                "{\"content\": \"hi\"}"), 415, "text/plain");
    }

    /** Where the header is trusted the detail names it; where it is not, it says how to log in. */
    @Test
    default void missingActingUserIs401() {
        String mention = api().tokenMode() ? "POST /api/auth/login" : "X-User-ID";
        assertProblem(api().send("POST", "/api/tweets/", Map.of("Content-Type", "application/json"), "{\"content\": \"hi\"}"),
                401, mention);
        assertProblem(api().send("GET", "/api/feed/", Map.of(), null), 401, mention);
    }

    /** Token mode: any X-User-ID alone, well-formed or not, is refused as untrusted, with how to log in. */
    @ParameterizedTest
    @ValueSource(strings = {"abc", "12abc", "1.5", "-3", "0", "99999999999999999999"})
    default void malformedActingUserIs400(String header) {
        if (api().tokenMode()) {
            assertProblem(api().send("GET", "/api/feed/", Map.of("X-User-ID", header), null), 401, "X-User-ID", "not trusted",
                    "POST /api/auth/login");
            return;
        }
        assertProblem(api().send("GET", "/api/feed/", Map.of("X-User-ID", header), null), 400, "X-User-ID");
    }

    @Test
    default void unknownUsersAre404() {
        long ghost = 4_000_000_000_000L;
        long user = api().createUser();
        assertProblem(api().postJson("/api/tweets/", ghost, Map.of("content", "hi")), unknownActingUser(), Long.toString(ghost));
        assertProblem(api().get("/api/feed/", ghost), unknownActingUser(), Long.toString(ghost));
        assertProblem(api().get("/api/users/" + ghost, null), 404, Long.toString(ghost));
        assertProblem(api().follow(user, ghost), 404, Long.toString(ghost));
        assertProblem(api().follow(ghost, user), unknownActingUser(), Long.toString(ghost));
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

    private RawHttp.Reply raw(String requestLine, String... headerLines) {
        return api().raw(RawHttp.request(requestLine, headerLines));
    }

    private static void assertProblem(RawHttp.Reply reply, int status, String... detailMentions) {
        assertProblem(reply.response(), status, detailMentions);
    }

    /** The number of tweets in the user's own feed (their own tweets, until they follow someone). */
    private int feedSize(long user) {
        return api().get("/api/feed/?limit=100", user).expect(200).json().get("items").size();
    }

    // no-break spaces, a next line, zero-width spaces and joiners, ideographic space, Hangul filler, BOM
    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t", "\u00a0\u00a0", "\u2003", "\u200b\u200d", "\u3000", "\u3164", "\ufeff"})
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

    @ParameterizedTest
    @ValueSource(strings = {"\u0085", "bell \u0007", "escape \u001b[31m red"})
    default void controlCharactersInATweetAre400(String content) {
        long user = api().createUser();
        assertProblem(api().postJson("/api/tweets/", user, Map.of("content", content)), 400, "content", "control character");
        assertThat(feedSize(user)).isZero();
    }

    /** What tweets refuse, e-mail addresses refuse too; the driver used to store a lone surrogate as '?'. */
    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\u0000", "\\u0085", "\\u00a0", "\\u200b", "\\u2028"})
    default void emailWithTextThatIsNoAddressIs400(String escaped) {
        String name = "mail_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String body = "{\"username\": \"" + name + "\", \"email\": \"a" + escaped + "b@example.org\"}";
        assertProblem(api().send("POST", "/api/users/", Map.of("Content-Type", "application/json"), body), 400, "email");
        api().postJson("/api/users/", null, Map.of("username", name, "email", "ok@example.org")).expect(201);
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
    @ParameterizedTest
    @ValueSource(strings = {"before=%zz", "limit=%zz", "%zz=1", "before=%4", "before=%C3%28", "limit=20&=5"})
    default void badPercentEncodingInTheQueryIs400(String query) {
        long user = api().createUser();
        String named = query.startsWith("%zz") ? "%zz" : query.startsWith("limit=20&") ? "name" : query.substring(0, query.indexOf('='));
        assertProblem(raw("GET /api/feed/?" + query + " HTTP/1.1", api().actingUserLine(user)), 400, named);
    }

    @Test
    default void aWriteWithABadQueryStoresNothing() {
        long user = api().createUser();
        String body = "{\"content\": \"must not be stored\"}";
        assertProblem(api().raw("POST /api/tweets/?%zz=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + api().actingUserLine(user) + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body), 400, "%zz");
        assertThat(feedSize(user)).isZero();
    }

    @Test
    default void moreThan1000QueryParametersIs400() {
        long user = api().createUser();
        // distinct short names (p0 ... prs), so it is the count that is refused, in 4 KB of request line
        String query = IntStream.range(0, 1001).mapToObj(i -> "p" + Integer.toString(i, 36)).collect(Collectors.joining("&"));
        assertProblem(api().get("/api/feed/?" + query, user), 400, "parameters", "1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=5&limit=6", "before=9&before=8", "limit=5&before=9&limit=5"})
    default void aQueryParameterGivenTwiceIs400(String query) {
        long user = api().createUser();
        assertProblem(api().get("/api/feed/?" + query, user), 400, query.substring(0, query.indexOf('=')), "2 times");
    }

    /** Numbers have one spelling: Spring's Long.decode took hex, '#', '+', spaces and octal. */
    @Test
    default void numbersInPathsQueriesAndHeadersAreDecimalDigits() {
        long user = api().createUser();
        for (String id : new String[] {"0x" + Long.toHexString(user), "%23" + Long.toHexString(user), "%2B" + user, "%20" + user,
                "%D9%A1"}) {
            assertProblem(api().get("/api/users/" + id, null), 400, "id");
            assertProblem(api().get("/api/tweets/" + id, null), 400, "id");
            assertProblem(api().delete("/api/subscriptions/unfollow/" + id, user), 400, "followeeId");
        }
        for (String limit : new String[] {"0x10", "%2B5", "%205", "1e1", "%D9%A1"}) {
            assertProblem(api().get("/api/feed/?limit=" + limit, user), 400, "limit");
        }
        assertProblem(api().get("/api/feed/?before=%2B5", user), 400, "before");
        if (!api().tokenMode()) { // an untrusted header is refused whatever its spelling (malformedActingUserIs400)
            assertProblem(api().send("GET", "/api/feed/", Map.of("X-User-ID", "+" + user), null), 400, "X-User-ID");
        }
    }

    /** Two X-User-ID headers, or two bearer tokens: a proxy's value must not be overridden by a second one. */
    @Test
    default void twoActingUsersAre400() {
        long user = api().createUser();
        long other = api().createUser();
        String header = api().tokenMode() ? "Authorization" : "X-User-ID";
        assertProblem(raw("GET /api/feed/ HTTP/1.1", api().actingUserLine(user), api().actingUserLine(other)), 400, header,
                "2 times");
    }

    @Test
    default void anUnknownActingUserIs404Everywhere() {
        long ghost = 4_000_000_000_001L;
        long user = api().createUser();
        long tweet = api().tweet(user, "someone's");
        assertProblem(api().get("/api/feed/?before=" + tweet, ghost), unknownActingUser(), Long.toString(ghost));
        assertProblem(api().delete("/api/tweets/" + tweet, ghost), unknownActingUser(), Long.toString(ghost));
        assertProblem(api().delete("/api/subscriptions/unfollow/" + user, ghost), unknownActingUser(), Long.toString(ghost));
        api().get("/api/tweets/" + tweet, null).expect(200);
    }

    /** Jackson's coercions are off: 12.7 followed user 12, "12" was the number 12, 123 the text "123". */
    @Test
    default void idsInJsonAreIntegersAndTextIsAString() {
        long user = api().createUser();
        long other = api().createUser();
        for (String followee : new String[] {other + ".7", other + ".0", "1.5", "1e3", "\"" + other + "\"", "true"}) {
            assertProblem(api().send("POST", "/api/subscriptions/follow", json(user), "{\"followee_id\": " + followee + "}"), 400,
                    "followee_id");
        }
        assertProblem(api().send("POST", "/api/subscriptions/follow", json(user), "{\"followee_id\": " + "9".repeat(5000) + "}"),
                400, "5000 digits");
        assertThat(api().get("/api/users/" + user, null).json().get("following_count").asLong()).isZero();
        for (String content : new String[] {"123", "1.5", "true"}) {
            assertProblem(api().send("POST", "/api/tweets/", json(user), "{\"content\": " + content + "}"), 400, "content");
        }
        assertThat(feedSize(user)).isZero();
    }

    @Test
    default void aJsonFieldGivenTwiceIs400() {
        long user = api().createUser();
        long other = api().createUser();
        assertProblem(api().send("POST", "/api/subscriptions/follow", json(user),
                "{\"followee_id\": " + other + ", \"followee_id\": " + other + "}"), 400, "followee_id", "twice");
        assertProblem(api().send("POST", "/api/tweets/", json(user), "{\"content\": \"a\", \"content\": \"b\"}"), 400, "content");
        assertProblem(api().send("POST", "/api/tweets/", json(user), "{\"content\": \"a\"} {\"content\": \"b\"}"), 400, "one JSON object");
        assertThat(feedSize(user)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data; boundary=xyz", "multipart/form-data", "application/x-www-form-urlencoded"})
    default void aFormBodyToAJsonEndpointIs415(String contentType) {
        long user = api().createUser();
        assertProblem(api().send("POST", "/api/tweets/", as(user, "Content-Type", contentType),
                "--xyz\r\ngarbage %zz"), 415, contentType.substring(0, contentType.indexOf('/')));
        assertProblem(api().send("DELETE", "/api/tweets/1", as(user, "Content-Type", contentType),
                "%zz=%zz"), 404, "tweet 1");
        assertThat(feedSize(user)).isZero();
    }

    /** The check happens before the handler runs: a 406 has stored nothing. */
    @Test
    default void aResponseTheClientRefusesStoresNothing() {
        long user = api().createUser();
        Map<String, String> xml = as(user, "Content-Type", "application/json", "Accept", "application/xml");
        assertProblem(api().send("POST", "/api/tweets/", xml, "{\"content\": \"not stored\"}"), 406, "application/json",
                "application/xml");
        assertThat(feedSize(user)).isZero();
        String name = "acc_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        assertProblem(api().send("POST", "/api/users/", Map.of("Content-Type", "application/json", "Accept", "application/xml"),
                "{\"username\": \"" + name + "\", \"email\": \"a@example.org\"}"), 406, "Accept");
        api().postJson("/api/users/", null, Map.of("username", name, "email", "a@example.org")).expect(201);
        assertProblem(api().send("GET", "/api/feed/", as(user, "Accept", "///"), null), 400, "Accept");
    }

    @Test
    default void theErrorPathIsNotAnEndpoint() {
        assertProblem(api().get("/error", null), 404, "/error");
        assertProblem(api().send("POST", "/error", Map.of("Content-Type", "application/json"), "{}"), 404, "/error");
    }

    @Test
    default void aWrongMethodIs405WithThePathsAllowHeader() {
        RawHttp.Reply trace = raw("TRACE /api/feed/ HTTP/1.1", "X-Secret: do-not-echo");
        assertProblem(trace, 405, "TRACE", "GET");
        assertThat(trace.header("Allow")).isEqualTo("GET");
        assertThat(trace.body()).doesNotContain("do-not-echo");
        RawHttp.Reply patch = raw("PATCH /api/tweets/1 HTTP/1.1");
        assertProblem(patch, 405, "PATCH", "DELETE, GET");
        assertThat(patch.header("Allow")).contains("GET", "DELETE").doesNotContain("POST");
    }

    /** Tomcat refuses these before the application runs; its answer is a problem too, not an HTML page. */
    @ParameterizedTest
    @ValueSource(strings = {"/api/users/%00", "/api/users/1%2F2", "/api/..%2fusers/1", "/api/users/%zz", "/api/users/%5C1",
            "/api/../../etc/passwd"})
    default void aPathTomcatRefusesIsAProblem(String path) {
        assertProblem(raw("GET " + path + " HTTP/1.1"), 400, "path");
    }

    @Test
    default void malformedHttpIsAProblem() {
        assertProblem(raw("GET /api/users/\u0001 HTTP/1.1"), 400, "request target");
        assertProblem(raw("GET /ping HTTP/1.1", "Bad Header: 1"), 400, "header");
        assertProblem(raw("GET /ping HTTP/1.1", "X-Big: " + "a".repeat(20_000)), 400, "too large");
        assertProblem(raw("GET /ping HTTP/2.5"), 505, "not supported");
        assertProblem(raw("POST /api/tweets/ HTTP/1.1", "Transfer-Encoding: gzip"), 501);
        long user = api().createUser();
        assertProblem(api().raw("POST /api/tweets/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + api().actingUserLine(user)
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), 400, "chunk");
    }

    /** Tomcat would run an HTTP/0.9 request and answer with a bare body: no status, no headers. */
    @Test
    default void http09IsRefused() {
        long user = api().createUser();
        RawHttp.Reply reply = api().raw("GET /api/feed/\r\n");
        assertThat(reply.statusLine()).startsWith("HTTP/1.1 505");
        assertProblem(reply, 505, "HTTP/0.9");
        assertProblem(api().raw("POST /api/tweets/\r\n"), 505, "HTTP/0.9");
        assertThat(feedSize(user)).isZero();
    }
}
