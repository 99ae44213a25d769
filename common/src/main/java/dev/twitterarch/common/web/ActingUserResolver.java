package dev.twitterarch.common.web;

import java.util.List;

import org.springframework.core.MethodParameter;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Reads the acting user from the {@code X-User-ID} header, as the original did. This is the only
 * code that knows about the header. It checks the form, not existence: the operations that need
 * the user to exist say so themselves (a feed read must not cost an extra query in the cached step).
 */
@Component
class ActingUserResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    static final String HEADER = "X-User-ID";

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == ActingUser.class;
    }

    @Override
    public ActingUser resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                      NativeWebRequest request, WebDataBinderFactory binderFactory) {
        String[] values = request.getHeaderValues(HEADER);
        if (values != null && values.length > 1) {
            // two acting users are a contradiction; taking the first would let a proxy's header be overridden
            throw ApiException.badRequest("header " + HEADER + " is given " + values.length
                    + " times; a request acts as one user, so give it once");
        }
        String value = values == null ? null : values[0];
        if (value == null || value.isBlank()) {
            throw ApiException.unauthorized("header " + HEADER + " is required: the id of the acting user");
        }
        Long id = StrictNumbers.parseLong(value.strip());
        if (id == null) {
            throw ApiException.badRequest("header " + HEADER + " must be a user id (a positive 64-bit integer in decimal digits), was '"
                    + abbreviate(value) + "'");
        }
        if (id <= 0) {
            throw ApiException.badRequest("header " + HEADER + " must be a positive user id, was " + id);
        }
        return new ActingUser(id);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
