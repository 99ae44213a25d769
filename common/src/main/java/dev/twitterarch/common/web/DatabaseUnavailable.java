package dev.twitterarch.common.web;

import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import dev.twitterarch.common.db.DatabaseOutage;

/**
 * The answer while PostgreSQL cannot be reached (down, restarting, no connection free in time) or a
 * statement failed for a passing reason (a deadlock, a serialization failure): 503 with
 * {@code Retry-After}, never a 500. Only a 201 promises that a tweet is stored; after a 503 the
 * client tries again (in the rare case of a commit that went through as the connection broke, the
 * tweet is stored once more: a duplicate, never a loss).
 */
final class DatabaseUnavailable {

    static final int RETRY_AFTER_SECONDS = 2;

    private DatabaseUnavailable() {
    }

    static boolean is(Throwable failure) {
        return failure instanceof TransientDataAccessException || DatabaseOutage.causedBy(failure);
    }

    static ProblemDetail problem() {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the database is unavailable right now; try again in " + RETRY_AFTER_SECONDS + " s");
        return body;
    }

    static HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        return headers;
    }

    /** One line for the log: the outage is the operator's news, the trace is nobody's. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return failure.getClass().getSimpleName() + (root == failure ? "" : " (" + root + ")");
    }
}
