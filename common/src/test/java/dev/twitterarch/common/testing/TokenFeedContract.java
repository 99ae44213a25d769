package dev.twitterarch.common.testing;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The whole contract again, as a real client runs it: the server does not trust {@code X-User-ID}
 * (the default), every user is created with a password and logs in, and every request that acts
 * as a user carries {@code Authorization: Bearer <token>} ({@link ApiClient#withTokens}). What the
 * contract asks of the header ({@link BadInputCases}) it asks of the token here: an unknown user's
 * well-signed token is a 401, two tokens are a 400. One empty subclass per step that runs it.
 */
@Import(TokenFeedContract.TokenMode.class)
public abstract class TokenFeedContract extends FeedContract {

    /** Registered after {@link FeedContract}'s services, so these values win over TestServices' trust of the header. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TokenMode {

        @Bean
        static DynamicPropertyRegistrar tokenMode() {
            return registry -> {
                registry.add("twitter.auth.trust-user-header", () -> "false");
                registry.add("twitter.auth.jwt-secret", () -> TestTokens.SECRET);
            };
        }
    }

    @Override
    protected ApiClient newClient(int port) {
        return ApiClient.withTokens(port, TestTokens.SECRET);
    }
}
