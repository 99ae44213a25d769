package dev.twitterarch.common.web;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An error the API answers with a problem detail: the status, a sentence naming the fault, and the
 * headers that belong to that answer (Retry-After on a 429 or 503, WWW-Authenticate on a 401). Most
 * are client mistakes; {@link #unavailable} is a service the request needs being down.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final HttpHeaders headers;

    public ApiException(HttpStatus status, String detail) {
        this(status, detail, new HttpHeaders());
    }

    private ApiException(HttpStatus status, String detail, HttpHeaders headers) {
        super(detail);
        this.status = status;
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, detail);
    }

    /** A 401; the handler adds the {@code WWW-Authenticate: Bearer} challenge RFC 9110 requires. */
    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, detail);
    }

    /** A 429 whose {@code Retry-After} says, in whole seconds rounded up, when the next try can succeed. */
    public static ApiException tooManyRequests(String detail, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, detail, headers);
    }

    /** A 503: a service the request needs cannot be reached now; {@code Retry-After} says when to try again. */
    public static ApiException unavailable(String detail, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, detail, headers);
    }

    /** Whole seconds, rounded up and at least 1: "Retry-After: 0" would invite an immediate, refused retry. */
    public static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    public HttpStatus status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** A client's value quoted in a detail, cut to 40 characters: a detail names the fault, it does not echo a megabyte. */
    public static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
