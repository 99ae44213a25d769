package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API as a client sees it: plain HTTP and JSON, nothing from the application's classes, so
 * the tests check the wire format too. Helpers assert the expected status and fail with the body.
 *
 * <p>It says who acts in one of two ways, for every request that names an acting user:
 * <ul>
 *   <li>{@link #ApiClient(int)}: the {@code X-User-ID} header, for a server started with
 *       {@code twitter.auth.trust-user-header=true} (what {@link TestServices#register} sets);</li>
 *   <li>{@link #withTokens}: {@code Authorization: Bearer}, as a real client: {@link #createUser()}
 *       signs up with a password and logs in, and the token of each user it created is kept. A user
 *       it did not create (an id that does not exist) gets a token signed with the server's secret,
 *       so that the server sees a well-signed token for an unknown user.</li>
 * </ul>
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong NAMES = new AtomicLong();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final int port;
    /** Token mode: the server's twitter.auth.jwt-secret; null: X-User-ID mode. */
    private final String jwtSecret;
    private final Map<Long, String> tokens = new ConcurrentHashMap<>();

    public ApiClient(int port) {
        this(port, null);
    }

    private ApiClient(int port, String jwtSecret) {
        this.base = "http://localhost:" + port;
        this.port = port;
        this.jwtSecret = jwtSecret;
    }

    /** A client that logs in and sends bearer tokens, for a server whose twitter.auth.jwt-secret is {@code jwtSecret}. */
    public static ApiClient withTokens(int port, String jwtSecret) {
        return new ApiClient(port, jwtSecret);
    }

    public boolean tokenMode() {
        return jwtSecret != null;
    }

    /** The request exactly as written, over a plain socket (see {@link RawHttp}). */
    RawHttp.Reply raw(String request) {
        return RawHttp.send(port, request);
    }

    /** @param headers by lower-case name */
    public record Response(int status, String contentType, String body, Map<String, List<String>> headers) {

        public Response(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public Response expect(int expected) {
            assertThat(status).as("HTTP status; body: %s", body).isEqualTo(expected);
            return this;
        }
    }

    public record Page(List<Long> ids, String nextCursor) {
    }

    public Response send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            var response = http.send(request.build(), BodyHandlers.ofString());
            Map<String, List<String>> received = new java.util.HashMap<>();
            response.headers().map().forEach((name, values) -> received.put(name.toLowerCase(java.util.Locale.ROOT), values));
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), received);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, Long actingUser) {
        return send("GET", path, actingUser(actingUser, Map.of()), null);
    }

    public Response postJson(String path, Long actingUser, Object body) {
        return send("POST", path, actingUser(actingUser, Map.of("Content-Type", "application/json")), JSON.writeValueAsString(body));
    }

    public Response delete(String path, Long actingUser) {
        return send("DELETE", path, actingUser(actingUser, Map.of()), null);
    }

    /** {@code headers} plus what says that {@code id} acts (nothing more when {@code id} is null). */
    public Map<String, String> actingUser(Long id, Map<String, String> headers) {
        if (id == null) {
            return headers;
        }
        var withUser = new java.util.HashMap<>(headers);
        String[] header = actingUserHeader(id);
        withUser.put(header[0], header[1]);
        return withUser;
    }

    /** The header line that says {@code id} acts, for a request written by hand ({@link RawHttp}). */
    public String actingUserLine(long id) {
        String[] header = actingUserHeader(id);
        return header[0] + ": " + header[1];
    }

    private String[] actingUserHeader(long id) {
        if (!tokenMode()) {
            return new String[] {"X-User-ID", Long.toString(id)};
        }
        return new String[] {"Authorization", "Bearer " + tokenOf(id)};
    }

    /** A new user with a unique name; returns its id. In token mode it has a password and is logged in. */
    public long createUser() {
        String name = "u" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "_" + NAMES.incrementAndGet();
        if (!tokenMode()) {
            return postJson("/api/users/", null, Map.of("username", name, "email", name + "@example.org"))
                    .expect(201).json().get("id").asLong();
        }
        String password = "pw-of-" + name;
        long id = postJson("/api/users/", null, Map.of("username", name, "email", name + "@example.org", "password", password))
                .expect(201).json().get("id").asLong();
        JsonNode login = login(name, password).expect(200).json();
        assertThat(login.get("user_id").asLong()).isEqualTo(id);
        tokens.put(id, login.get("access_token").asString());
        return id;
    }

    /** Token mode: the bearer token this client sends for {@code user} (e.g. for a WebSocket's {@code access_token}). */
    public String tokenOf(long user) {
        if (!tokenMode()) {
            throw new IllegalStateException("this client sends X-User-ID, not tokens: use ApiClient.withTokens");
        }
        return tokens.computeIfAbsent(user, unknown -> TestTokens.valid(jwtSecret, unknown));
    }

    /** {@code POST /api/auth/login}, whatever it answers. */
    public Response login(String username, String password) {
        return postJson("/api/auth/login", null, Map.of("username", username, "password", password));
    }

    public long tweet(long author, String content) {
        return postJson("/api/tweets/", author, Map.of("content", content)).expect(201).json().get("id").asLong();
    }

    public void deleteTweet(long author, long tweetId) {
        delete("/api/tweets/" + tweetId, author).expect(204);
    }

    public Response follow(long follower, long followee) {
        return postJson("/api/subscriptions/follow", follower, Map.of("followee_id", followee));
    }

    public void unfollow(long follower, long followee) {
        delete("/api/subscriptions/unfollow/" + followee, follower).expect(204);
    }

    public Page page(long user, int limit, String before) {
        JsonNode page = get("/api/feed/?limit=" + limit + (before == null ? "" : "&before=" + before), user).expect(200).json();
        List<Long> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asLong()));
        JsonNode next = page.get("next_cursor");
        return new Page(ids, next == null || next.isNull() ? null : next.asString());
    }

    /** The whole feed, read page by page with the cursors the API hands out. */
    public List<Long> wholeFeed(long user, int pageSize) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        do {
            Page page = page(user, pageSize, cursor);
            ids.addAll(page.ids());
            // every page but the last is full, exactly as step 1 pages: a short page with a cursor
            // means entries that hydrate to nothing (rows of deleted tweets left behind)
            if (page.nextCursor() != null) {
                assertThat(page.ids()).as("a page followed by a cursor must be full").hasSize(pageSize);
            } else {
                assertThat(page.ids().size()).as("last page").isLessThan(pageSize);
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return ids;
    }
}
