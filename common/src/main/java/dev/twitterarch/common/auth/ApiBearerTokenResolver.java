package dev.twitterarch.common.auth;

import java.util.Collections;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import jakarta.servlet.http.HttpServletRequest;

/** Where a request's bearer token is: the {@code Authorization} header (Spring's resolver), given once. */
final class ApiBearerTokenResolver implements BearerTokenResolver {

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();

    @Override
    public String resolve(HttpServletRequest request) {
        List<String> authorizations = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
        if (authorizations.size() > 1) {
            // Spring's resolver would read the first only: a second token must not go unnoticed
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidRequest("header Authorization is given "
                    + authorizations.size() + " times; a request acts as one user, so send one bearer token"));
        }
        return header.resolve(request);
    }
}
