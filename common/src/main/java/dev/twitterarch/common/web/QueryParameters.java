package dev.twitterarch.common.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every request's query string is checked before its handler runs, whether or not the handler reads
 * a parameter: {@code POST /api/tweets/?%zz=1} must not store a tweet that {@code GET ...?%zz=1}
 * would have refused. A parameter that is not percent-encoded UTF-8 is named in a 400 (Tomcat
 * would only throw, on first use, and that was a 500); so is a parameter given twice, which Spring
 * would otherwise resolve by taking the first value ({@code limit}) or joining them with a comma
 * ({@code before}). Reading the parameter map here also makes Tomcat apply its
 * {@code maxParameterCount} before anything else ({@link ApiExceptionHandler} words that).
 */
@Component
class QueryParameters implements HandlerInterceptor, WebMvcConfigurer {

    /** Tomcat's limit, {@code server.tomcat.max-parameter-count}, left at its default. */
    static final int MAX_PARAMETERS = 1000;

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            return true; // an error dispatch reports the original fault, not this one again
        }
        String query = request.getQueryString();
        if (query != null) {
            check(query);
        }
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (parameter.getValue().length > 1) {
                throw ApiException.badRequest("query parameter '" + ApiException.abbreviate(parameter.getKey())
                        + "' is given " + parameter.getValue().length + " times; give it once");
            }
        }
        return true;
    }

    /** Throws the API's 400 for the first parameter of a raw query string that Tomcat could not decode. */
    static void check(String query) {
        for (String chunk : query.split("&")) {
            if (chunk.isEmpty()) {
                continue; // "a=1&&b=2": Tomcat skips empty chunks, and so does everyone else
            }
            int equals = chunk.indexOf('=');
            String rawName = equals < 0 ? chunk : chunk.substring(0, equals);
            if (rawName.isEmpty()) {
                throw ApiException.badRequest("the query string has a value without a parameter name: '"
                        + ApiException.abbreviate(chunk) + "'");
            }
            String name = decode(rawName);
            if (name == null) {
                throw ApiException.badRequest("query parameter name '" + ApiException.abbreviate(rawName)
                        + "' is not valid percent-encoded UTF-8");
            }
            if (equals >= 0 && decode(chunk.substring(equals + 1)) == null) {
                throw ApiException.badRequest("query parameter '" + ApiException.abbreviate(name) + "' is not valid percent-encoded UTF-8: '"
                        + ApiException.abbreviate(chunk.substring(equals + 1)) + "'");
            }
        }
    }

    private static int hex(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    /** application/x-www-form-urlencoded decoding as Tomcat does it, or null where Tomcat would fail. */
    private static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null; // "%4" or a trailing "%"
                }
                int high = hex(raw.charAt(i + 1));
                int low = hex(raw.charAt(i + 2));
                if (high < 0 || low < 0) {
                    return null; // "%zz"
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
