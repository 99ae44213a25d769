package dev.twitterarch.common.auth;

import java.util.Collections;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import dev.twitterarch.common.info.LiveFeed;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Where a request's bearer token is: the {@code Authorization} header (Spring's resolver), given
 * once; and, only on the handshake of a step's live feed ({@link LiveFeed}), the
 * {@code access_token} query parameter, because a browser's WebSocket cannot send headers
 * (RFC 6750 §2.3 allows it; anywhere else a token in a URL would end up in logs for nothing).
 */
final class ApiBearerTokenResolver implements BearerTokenResolver {

    private static final String QUERY_PARAMETER = "access_token=";

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    private final ObjectProvider<LiveFeed> liveFeed;

    ApiBearerTokenResolver(ObjectProvider<LiveFeed> liveFeed) {
        this.liveFeed = liveFeed;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        List<String> authorizations = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
        if (authorizations.size() > 1) {
            // Spring's resolver would read the first only: a second token must not go unnoticed
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidRequest("header Authorization is given "
                    + authorizations.size() + " times; a request acts as one user, so send one bearer token"));
        }
        String token = header.resolve(request);
        if (token == null && isLiveHandshake(request)) {
            return fromQuery(request.getQueryString());
        }
        return token;
    }

    private boolean isLiveHandshake(HttpServletRequest request) {
        LiveFeed live = liveFeed.getIfAvailable();
        return live != null && "GET".equals(request.getMethod()) && live.path().equals(request.getRequestURI());
    }

    /**
     * Read from the raw query string, not {@code getParameter}: Tomcat's lazy parameter parsing would
     * throw on a malformed query here, in a filter, where no handler words it. A JWT is base64url
     * and dots, so it needs no decoding; anything else fails verification like any bad token.
     */
    private static String fromQuery(String query) {
        if (query == null) {
            return null;
        }
        String token = null;
        for (String chunk : query.split("&")) {
            if (chunk.startsWith(QUERY_PARAMETER)) {
                if (token != null) {
                    throw new OAuth2AuthenticationException(BearerTokenErrors.invalidRequest(
                            "query parameter access_token is given more than once; send one bearer token"));
                }
                token = chunk.substring(QUERY_PARAMETER.length());
            }
        }
        if (token != null && token.isEmpty()) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("query parameter access_token is empty"));
        }
        return token;
    }
}
