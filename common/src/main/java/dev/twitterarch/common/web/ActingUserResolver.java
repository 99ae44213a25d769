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
        String value = request.getHeader(HEADER);
        if (value == null || value.isBlank()) {
            throw ApiException.unauthorized("header " + HEADER + " is required: the id of the acting user");
        }
        long id;
        try {
            id = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("header " + HEADER + " must be a user id (a positive 64-bit integer), was '"
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
