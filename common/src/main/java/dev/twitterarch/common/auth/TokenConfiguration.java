package dev.twitterarch.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.context.WebApplicationContext;

/**
 * The token's key, its signer and its verifier, and the password hashing. One symmetric HS256 key
 * both signs and verifies: the application issues its own tokens and is their only reader, so a
 * key pair (and a JWK set to publish) would add nothing. Nimbus does all the JOSE work; nothing
 * here parses a token.
 */
@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

    /** The {@code iss} of every token this API issues, and the only one it accepts. */
    static final String ISSUER = "twitter-arch";

    private static final Logger log = LoggerFactory.getLogger(TokenConfiguration.class);
    private static final int MIN_KEY_BYTES = 32;

    @Bean
    TokenKey tokenKey(AuthProperties properties, ApplicationContext context) {
        String secret = properties.jwtSecret();
        if (secret == null || secret.isEmpty()) {
            byte[] random = new byte[MIN_KEY_BYTES];
            new SecureRandom().nextBytes(random);
            if (context instanceof WebApplicationContext) { // a worker process (no web server) checks no token
                log.warn("twitter.auth.jwt-secret is not set: tokens are signed with a random key made at start, so they stop "
                        + "working when this process restarts and no other process of this step accepts them; set "
                        + "twitter.auth.jwt-secret (at least {} bytes) to the same value on every API process", MIN_KEY_BYTES);
            }
            return new TokenKey(new SecretKeySpec(random, "HmacSHA256"));
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            // Nimbus would refuse it too, at the first login; a start that fails says it sooner
            throw new IllegalStateException("twitter.auth.jwt-secret has " + bytes.length + " bytes; HS256 needs a key of at least "
                    + MIN_KEY_BYTES + " bytes (256 bits), e.g. the output of: openssl rand -base64 32");
        }
        return new TokenKey(new SecretKeySpec(bytes, "HmacSHA256"));
    }

    @Bean
    JwtEncoder jwtEncoder(TokenKey key) {
        return NimbusJwtEncoder.withSecretKey(key.secret()).algorithm(MacAlgorithm.HS256).build();
    }

    /**
     * Accepts only HS256 with this key (Nimbus refuses {@code alg: none} and every other algorithm),
     * only this API's issuer, and only tokens that carry an expiry: Spring's timestamp check alone
     * would let a token without {@code exp} live forever.
     */
    @Bean
    JwtDecoder jwtDecoder(TokenKey key) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key.secret()).macAlgorithm(MacAlgorithm.HS256).build();
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setAllowEmptyExpiryClaim(false);
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(timestamps, new JwtIssuerValidator(ISSUER)));
        return decoder;
    }

    /** {@code {bcrypt}...} hashes today; the prefix lets a later algorithm take over without a migration. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** The HS256 key, a bean of its own so that the encoder and decoder share one (random) key. */
    record TokenKey(SecretKey secret) {
    }
}
