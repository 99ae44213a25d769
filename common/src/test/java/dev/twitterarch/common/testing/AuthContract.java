package dev.twitterarch.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twitterarch.common.info.LiveFeed;
import dev.twitterarch.common.testing.ApiClient.Response;

/**
 * Login and bearer tokens over HTTP, with the server as deployed: {@code X-User-ID} not trusted.
 * Every refused token is built by hand ({@link TestTokens}): expired, wrongly signed, unsigned
 * ({@code alg: none}), of another algorithm, issuer or subject, or for a user that does not exist;
 * each gets a 401 problem with the RFC 6750 challenge. One empty subclass per step that runs it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import({TokenFeedContract.TokenMode.class, AuthContract.LivePath.class})
public abstract class AuthContract {

    /** A live feed path as a step with live delivery declares one; no handler serves it here (404 once authenticated). */
    @TestConfiguration(proxyBeanMethods = false)
    static class LivePath {

        @Bean
        LiveFeed liveFeed() {
            return () -> "/api/feed/live";
        }
    }

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry);
    }

    @LocalServerPort
    int port;

    private ApiClient api() {
        return ApiClient.withTokens(port, TestTokens.SECRET);
    }

    private static String name(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }

    /** A user with a password; returns {id, username, password}. */
    private String[] signUp() {
        String username = name("auth");
        String password = "correct horse " + username;
        long id = api().postJson("/api/users/", null, Map.of("username", username, "email", username + "@example.org",
                "password", password)).expect(201).json().get("id").asLong();
        return new String[] {Long.toString(id), username, password};
    }

    private Response feed(String authorization) {
        return api().send("GET", "/api/feed/", Map.of("Authorization", authorization), null);
    }

    private static void assertProblem(Response response, int status, String... mentions) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("detail").asString()).isNotBlank();
        if (mentions.length > 0) {
            assertThat(response.json().get("detail").asString()).contains(mentions);
        }
        assertThat(response.body()).doesNotContain("Exception", "at org.", "at dev.");
    }

    /** A refused token: 401, the challenge names the error, and the detail says how to get a good token. */
    private static void assertTokenRefused(Response response, String... mentions) {
        assertProblem(response, 401, "the bearer token was refused", "POST /api/auth/login");
        if (mentions.length > 0) {
            assertThat(response.json().get("detail").asString()).contains(mentions);
        }
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"");
    }

    @Test
    void loginGivesATokenThatActsAsTheUser() {
        String[] user = signUp();
        Response login = api().login(user[1], user[2]).expect(200);
        var body = login.json();
        assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(body.get("user_id").asString()).isEqualTo(user[0]);
        assertThat(body.get("username").asString()).isEqualTo(user[1]);
        String token = body.get("access_token").asString();

        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
        var tweet = api().send("POST", "/api/tweets/", bearer, "{\"content\": \"signed in\"}").expect(201).json();
        assertThat(tweet.get("user_id").asString()).isEqualTo(user[0]);
        var items = api().send("GET", "/api/feed/", bearer, null).expect(200).json().get("items");
        assertThat(items.get(0).get("id").asLong()).isEqualTo(tweet.get("id").asLong());
        // the username is matched in any case, as at sign-up
        api().login(user[1].toUpperCase(), user[2]).expect(200);
    }

    @Test
    void aWrongPasswordAnUnknownUserAndAUserWithoutPasswordGetTheSame401() {
        String[] user = signUp();
        String passwordless = name("nopw");
        api().postJson("/api/users/", null, Map.of("username", passwordless, "email", "x@example.org")).expect(201);
        String wrong = api().login(user[1], user[2] + "x").body();
        assertProblem(api().login(user[1], user[2] + "x"), 401, "wrong username or password");
        assertThat(api().login(name("nobody"), "whatever-password").body()).isEqualTo(wrong);
        assertThat(api().login(passwordless, "whatever-password").body()).isEqualTo(wrong);
        assertProblem(api().postJson("/api/auth/login", null, Map.of("username", user[1])), 400, "password");
    }

    @Test
    void xUserIdAloneIs401AndSaysHowToLogIn() {
        String[] user = signUp();
        Response response = api().send("GET", "/api/feed/", Map.of("X-User-ID", user[0]), null);
        assertProblem(response, 401, "X-User-ID", "not trusted", "POST /api/auth/login", "Authorization: Bearer");
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertProblem(api().send("POST", "/api/tweets/", Map.of("X-User-ID", user[0], "Content-Type", "application/json"),
                "{\"content\": \"as someone\"}"), 401, "not trusted");
    }

    @Test
    void noTokenIs401WithAChallenge() {
        Response response = api().get("/api/feed/", null);
        assertProblem(response, 401, "POST /api/auth/login");
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer not-a-jwt", "Bearer a.b.c", "Bearer ####", "Bearer", "Bearer eyJhbGciOiJIUzI1NiJ9..",
            "bearer eyJ.eyJ"})
    void aMalformedTokenIs401(String authorization) {
        assertTokenRefused(feed(authorization));
    }

    @Test
    void anExpiredTokenIs401() {
        String[] user = signUp();
        Map<String, Object> claims = TestTokens.claims(Long.parseLong(user[0]));
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now - 7200);
        claims.put("exp", now - 3600); // past the validator's 60 s of clock skew
        assertTokenRefused(feed("Bearer " + TestTokens.hs256(TestTokens.SECRET, claims)), "expired");
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() {
        String[] user = signUp();
        String forged = TestTokens.valid("another key, of the right length: 0123456789abcdef", Long.parseLong(user[0]));
        assertTokenRefused(feed("Bearer " + forged), "signature");
        // the same claims with the right key are accepted: it is the signature that was refused
        feed("Bearer " + TestTokens.valid(TestTokens.SECRET, Long.parseLong(user[0]))).expect(200);
    }

    @Test
    void anUnsignedTokenIs401() {
        String[] user = signUp();
        assertTokenRefused(feed("Bearer " + TestTokens.unsigned(TestTokens.claims(Long.parseLong(user[0])))));
    }

    /** Only HS256 is accepted: a header naming another algorithm is refused even with a valid HS256 MAC under it. */
    @ParameterizedTest
    @ValueSource(strings = {"HS384", "HS512", "RS256", "none"})
    void aTokenOfAnotherAlgorithmIs401(String algorithm) {
        String[] user = signUp();
        assertTokenRefused(feed("Bearer " + TestTokens.signed(TestTokens.SECRET, Map.of("alg", algorithm, "typ", "JWT"),
                TestTokens.claims(Long.parseLong(user[0])))));
    }

    @Test
    void aTokenWithoutExpiryOrOfAnotherIssuerIs401() {
        long id = Long.parseLong(signUp()[0]);
        Map<String, Object> noExpiry = TestTokens.claims(id);
        noExpiry.remove("exp");
        assertTokenRefused(feed("Bearer " + TestTokens.hs256(TestTokens.SECRET, noExpiry)), "exp");
        Map<String, Object> otherIssuer = TestTokens.claims(id);
        otherIssuer.put("iss", "someone-else");
        assertTokenRefused(feed("Bearer " + TestTokens.hs256(TestTokens.SECRET, otherIssuer)), "iss");
    }

    @Test
    void aValidTokenForAnUnknownUserIs401() {
        long ghost = 4_000_000_000_123L;
        Response response = feed("Bearer " + TestTokens.valid(TestTokens.SECRET, ghost));
        assertProblem(response, 401, Long.toString(ghost), "does not exist", "POST /api/auth/login");
        Map<String, Object> notAnId = TestTokens.claims(1);
        notAnId.put("sub", "admin");
        assertProblem(feed("Bearer " + TestTokens.hs256(TestTokens.SECRET, notAnId)), 401, "subject");
    }

    /**
     * A browser's WebSocket sends no headers, so the handshake of the live feed may carry the token
     * as {@code access_token} in its query; no other path takes a token from the URL.
     */
    @Test
    void aTokenInTheQueryCountsOnTheLiveFeedHandshakeOnly() {
        long id = Long.parseLong(signUp()[0]);
        String token = TestTokens.valid(TestTokens.SECRET, id);
        // accepted: past the filters, where no handler serves the path in this test
        assertProblem(api().get("/api/feed/live?access_token=" + token, null), 404);
        assertTokenRefused(api().get("/api/feed/live?access_token=" + token + "x", null), "signature");
        assertProblem(api().get("/api/feed/live?access_token=" + token + "&access_token=" + token, null), 400, "once");
        assertProblem(api().get("/api/feed/?access_token=" + token, null), 401, "this request acts as a user");
        assertThat(api().get("/api/info", null).expect(200).json().get("live_feed").asString()).isEqualTo("/api/feed/live");
    }

    @Test
    void deletingSomeoneElsesTweetWithAValidTokenIs403() {
        ApiClient api = api();
        long author = api.createUser();
        long other = api.createUser();
        long tweet = api.tweet(author, "mine");
        assertProblem(api.delete("/api/tweets/" + tweet, other), 403, Long.toString(tweet));
        api.deleteTweet(author, tweet);
    }

    /** What Spring Security's firewall refuses (in a filter, before any controller) is a 400 problem too. */
    @Test
    void aRequestTheFirewallRefusesIsA400Problem() {
        assertProblem(api().get("/api/users/1;jsessionid=x", null), 400, "refused", ";");
        assertProblem(api().get("/api/users/%25", null), 400, "refused");
    }

    @Test
    void publicEndpointsNeedNoToken() {
        ApiClient api = api();
        long user = api.createUser();
        long tweet = api.tweet(user, "public");
        api.get("/ping", null).expect(200);
        api.get("/api/users/" + user, null).expect(200);
        api.get("/api/tweets/" + tweet, null).expect(200);
        var info = api.get("/api/info", null).expect(200).json();
        assertThat(info.get("trust_user_header").asBoolean()).isFalse();
        assertThat(info.get("step").asString()).startsWith("step");
        assertThat(info.get("feed_strategy").asString()).isNotBlank();
        Response page = api.send("GET", "/", Map.of("Accept", "text/html"), null).expect(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"app.js\"");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(api.get("/app.js", null).expect(200).contentType()).contains("javascript");
        api.get("/app.css", null).expect(200);
    }

    @Test
    void aUserIsFoundByUsernameInAnyCase() {
        String[] user = signUp();
        var profile = api().get("/api/users/by-username/" + user[1].toUpperCase(), null).expect(200).json();
        assertThat(profile.get("id").asString()).isEqualTo(user[0]);
        assertThat(profile.get("username").asString()).isEqualTo(user[1]);
        assertProblem(api().get("/api/users/by-username/" + name("nobody"), null), 404, "nobody");
        assertProblem(api().get("/api/users/by-username/a-b", null), 400, "username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "\\u0007bell-in-it", "\\ud800lone-surrogate",
            "éééééééééééééééééééééééééééééééééééééééé"}) // 40 characters, 80 bytes
    void aPasswordBcryptCannotTakeIs400(String escaped) {
        String username = name("pw");
        String body = "{\"username\": \"" + username + "\", \"email\": \"a@example.org\", \"password\": \"" + escaped + "\"}";
        assertProblem(api().send("POST", "/api/users/", Map.of("Content-Type", "application/json"), body), 400, "password");
        api().get("/api/users/by-username/" + username, null).expect(404);
    }
}
