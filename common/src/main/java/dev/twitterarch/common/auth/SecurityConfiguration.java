package dev.twitterarch.common.auth;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.servlet.HandlerExceptionResolver;

import dev.twitterarch.common.info.LiveFeed;
import dev.twitterarch.common.web.ApiException;

/**
 * Spring Security for a stateless JSON API: bearer tokens checked by the OAuth2 resource server,
 * no sessions, no cookies, no login form. Every request passes the filter chain's authorization
 * ({@code permitAll}); who may do what is decided per operation by {@link ActingUserResolver}.
 * A request that carries a token is still refused here, before any controller, when the token is
 * malformed, expired, wrongly signed or unsigned ({@code alg: none}).
 *
 * <p>Everything the filters refuse is answered like every other error of the API: the refusal is
 * handed to Spring MVC's exception resolvers, so {@code ApiExceptionHandler} writes the RFC 9457
 * problem detail (401 for a refused token, 400 for a malformed request, 403 for a denied one),
 * rather than Spring Security's empty bodies or a container error page.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiBearerTokenResolver bearerTokens,
                                    @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        AuthenticationEntryPoint entryPoint = tokenRefused(problems);
        AccessDeniedHandler accessDenied = accessDenied(problems);
        http
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenResolver(bearerTokens)
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied)
                        .jwt(jwt -> { })) // the JwtDecoder bean of TokenConfiguration
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // no cookie ever authenticates a request (a browser never adds a bearer token or an
                // X-User-ID header by itself), so there is no cross-site request to forge
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                // the page's scripts and styles are files of its own: no inline script can run, so a
                // tweet that smuggles markup into the page cannot execute anything
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
                                + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")));
        return http.build();
    }

    /**
     * RFC 6750's challenge ({@code WWW-Authenticate: Bearer error="invalid_token", ...}) from Spring's
     * entry point, then the problem detail: the status the bearer error carries (401, or 400 for a
     * malformed request such as two tokens), with what was wrong and how to get a good token.
     */
    private static AuthenticationEntryPoint tokenRefused(HandlerExceptionResolver problems) {
        BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
        return (request, response, exception) -> {
            challenge.commence(request, response, exception);
            HttpStatus status = HttpStatus.UNAUTHORIZED;
            String why = exception.getMessage();
            if (exception instanceof OAuth2AuthenticationException oauth) {
                if (oauth.getError() instanceof BearerTokenError bearer) {
                    status = bearer.getHttpStatus();
                }
                if (oauth.getError().getDescription() != null) {
                    why = oauth.getError().getDescription();
                }
            }
            String detail = status == HttpStatus.UNAUTHORIZED
                    ? "the bearer token was refused: " + why + "; " + ActingUserResolver.HOW_TO_LOG_IN
                    : "the request was refused: " + why;
            problems.resolveException(request, response, null, new ApiException(status, detail));
        };
    }

    private static AccessDeniedHandler accessDenied(HandlerExceptionResolver problems) {
        BearerTokenAccessDeniedHandler challenge = new BearerTokenAccessDeniedHandler();
        return (request, response, exception) -> {
            challenge.handle(request, response, exception);
            problems.resolveException(request, response, null,
                    ApiException.forbidden("access denied: " + exception.getMessage()));
        };
    }

    @Bean
    ApiBearerTokenResolver bearerTokens(ObjectProvider<LiveFeed> liveFeed) {
        return new ApiBearerTokenResolver(liveFeed);
    }

    /**
     * The firewall's defaults (no encoded slashes, dot segments, semicolons, control characters in
     * headers or parameters ...), except its list of HTTP methods: Spring MVC answers any method a
     * path does not serve with a 405 and the path's Allow header, as the contract expects for TRACE
     * and PATCH, and no authorization rule here depends on the method.
     */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setUnsafeAllowAnyHttpMethod(true);
        return firewall;
    }

    /** A request the firewall refuses in a filter gets the API's 400 problem, worded by {@code ApiExceptionHandler}. */
    @Bean
    RequestRejectedHandler requestRejectedHandler(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        return (request, response, rejected) -> problems.resolveException(request, response, null, rejected);
    }
}
