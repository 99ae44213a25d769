package dev.twitterarch.common.auth;

import java.util.Collections;
import java.util.List;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.common.web.ActingUser;
import dev.twitterarch.common.web.ApiException;
import dev.twitterarch.common.web.StrictNumbers;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The one place that decides who a request acts as; controllers take an {@link ActingUser}, and
 * anything else that needs the acting user (a WebSocket handshake) calls {@link #resolve}:
 * <ol>
 *   <li>a bearer token that Spring Security's resource server has verified (signature, issuer,
 *       expiry): its subject, if that user exists;</li>
 *   <li>otherwise, only where {@code twitter.auth.trust-user-header=true}, the {@code X-User-ID}
 *       header, as the original read it: checked for form, not existence (the operations that need
 *       the user to exist say so themselves, and a cached feed read must not cost a query).</li>
 * </ol>
 * Authorization is therefore per operation, not per URL: an endpoint that takes an acting user
 * cannot be reached without one, and the security filter chain keeps no list of paths to drift
 * from the controllers. A token's user is looked up on every request (one primary-key read): a
 * signed token outlives a reset schema, and a token for a user that is gone must not act.
 */
@Component
public class ActingUserResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    public static final String HEADER = "X-User-ID";
    static final String HOW_TO_LOG_IN = "log in with POST /api/auth/login {\"username\", \"password\"} and send the token"
            + " it returns as header 'Authorization: Bearer <token>'";

    private final AuthProperties properties;
    private final UserStore users;

    ActingUserResolver(AuthProperties properties, UserStore users) {
        this.properties = properties;
        this.users = users;
    }

    /** The acting user of this request, or the API's 400/401 saying what is missing or wrong. */
    public ActingUser resolve(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token) {
            return fromToken(token.getToken(), request);
        }
        if (!properties.trustUserHeader()) {
            if (request.getHeader(HEADER) != null) {
                throw ApiException.unauthorized("header " + HEADER + " is not trusted by this server"
                        + " (twitter.auth.trust-user-header=false): " + HOW_TO_LOG_IN);
            }
            throw ApiException.unauthorized("this request acts as a user: " + HOW_TO_LOG_IN);
        }
        ActingUser fromHeader = fromHeader(request);
        if (fromHeader == null) {
            throw ApiException.unauthorized("header " + HEADER + " is required: the id of the acting user (this server"
                    + " trusts it); or " + HOW_TO_LOG_IN);
        }
        return fromHeader;
    }

    private ActingUser fromToken(Jwt token, HttpServletRequest request) {
        Long id = StrictNumbers.parseLong(token.getSubject());
        if (id == null || id <= 0) {
            throw ApiException.unauthorized("the bearer token's subject is not a user id; " + HOW_TO_LOG_IN);
        }
        if (properties.trustUserHeader()) {
            ActingUser named = fromHeader(request);
            if (named != null && named.id() != id) {
                throw ApiException.badRequest("header " + HEADER + " names user " + named.id()
                        + " but the bearer token is user " + id + "'s; a request acts as one user, so send one of them");
            }
        }
        if (!users.exists(id)) {
            throw ApiException.unauthorized("user " + id + " of the bearer token does not exist (deleted, or the database"
                    + " was reset since the login); " + HOW_TO_LOG_IN);
        }
        return new ActingUser(id);
    }

    /** The header's user, null when the header is absent or blank. */
    private static ActingUser fromHeader(HttpServletRequest request) {
        List<String> values = Collections.list(request.getHeaders(HEADER));
        if (values.size() > 1) {
            // two acting users are a contradiction; taking the first would let a proxy's header be overridden
            throw ApiException.badRequest("header " + HEADER + " is given " + values.size()
                    + " times; a request acts as one user, so give it once");
        }
        String value = values.isEmpty() ? null : values.get(0);
        if (value == null || value.isBlank()) {
            return null;
        }
        Long id = StrictNumbers.parseLong(value.strip());
        if (id == null) {
            throw ApiException.badRequest("header " + HEADER + " must be a user id (a positive 64-bit integer in decimal digits), was '"
                    + ApiException.abbreviate(value) + "'");
        }
        if (id <= 0) {
            throw ApiException.badRequest("header " + HEADER + " must be a positive user id, was " + id);
        }
        return new ActingUser(id);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == ActingUser.class;
    }

    @Override
    public ActingUser resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                      NativeWebRequest request, WebDataBinderFactory binderFactory) {
        return resolve(request.getNativeRequest(HttpServletRequest.class));
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }
}
