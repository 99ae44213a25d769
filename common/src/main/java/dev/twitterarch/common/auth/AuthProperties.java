package dev.twitterarch.common.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a request proves who it acts as, under {@code twitter.auth.*}.
 *
 * @param jwtSecret       the HS256 key that signs and verifies the tokens, at least 32 bytes of UTF-8
 *                        (256 bits, what HS256 requires); empty: a random key made at start, so tokens
 *                        die with the process and other processes of the step cannot verify them
 * @param tokenLifetime   how long a token from {@code POST /api/auth/login} is valid
 * @param trustUserHeader honour {@code X-User-ID} as the acting user without any proof, as the
 *                        original did: only for the demos, {@code compare} and the tests, never for
 *                        a server anyone else can reach
 */
@ConfigurationProperties("twitter.auth")
public record AuthProperties(String jwtSecret, @DefaultValue("1h") Duration tokenLifetime,
                             @DefaultValue("false") boolean trustUserHeader) {

    public AuthProperties {
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("twitter.auth.token-lifetime must be positive, was " + tokenLifetime);
        }
    }
}
