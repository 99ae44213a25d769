package dev.twitterarch.common.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.json.JsonMapper;

/**
 * JWTs built by hand (JSON, base64url, HMAC-SHA256 from the JDK), with nothing of the application
 * or of Spring Security: the tests make the tokens a client or an attacker could make, well-formed
 * or not, and check what the server does with them.
 */
public final class TestTokens {

    /** The twitter.auth.jwt-secret the token-mode tests start the application with (32 bytes or more). */
    public static final String SECRET = "the tests' own HS256 key, not a secret: 0123456789";
    /** The issuer the application writes and requires. */
    public static final String ISSUER = "twitter-arch";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {
    }

    /** The claims of a good token for {@code userId}: this issuer, issued now, valid for an hour. */
    public static Map<String, Object> claims(long userId) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", Long.toString(userId));
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now);
        claims.put("exp", now + 3600);
        return claims;
    }

    /** A token the server accepts, if it was started with {@code secret} and {@code userId} exists. */
    public static String valid(String secret, long userId) {
        return hs256(secret, claims(userId));
    }

    /** Header {"alg":"HS256","typ":"JWT"}, the claims, signed with {@code secret}. */
    public static String hs256(String secret, Map<String, Object> claims) {
        return signed(secret, Map.of("alg", "HS256", "typ", "JWT"), claims);
    }

    /** Any header and claims, with an HMAC-SHA256 signature over them (whatever the header's alg says). */
    public static String signed(String secret, Map<String, Object> header, Map<String, Object> claims) {
        String signingInput = part(header) + "." + part(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWT (RFC 7519 §6): {"alg":"none"} and an empty signature. */
    public static String unsigned(Map<String, Object> claims) {
        return part(Map.of("alg", "none", "typ", "JWT")) + "." + part(claims) + ".";
    }

    private static String part(Map<String, Object> json) {
        return BASE64URL.encodeToString(JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
    }
}
