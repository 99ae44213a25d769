package dev.twitterarch.common.web;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The servlet container's error page, in place of Spring Boot's {@code BasicErrorController}: errors
 * that happen outside a controller (in a filter, or a {@code sendError} by Tomcat after the request
 * was mapped, such as a broken chunked body) are forwarded here and answered as problem details
 * like every other error. Asked for directly, {@code /error} is a path like any other that does not
 * exist: 404, not Boot's 500 with status 999.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            throw ApiException.notFound("no resource " + request.getRequestURI());
        }
        HttpStatus status = statusOf(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure && DatabaseUnavailable.is(failure)) {
            log.warn("503 on {}: the database is unavailable: {}", uri, DatabaseUnavailable.describe(failure));
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).headers(DatabaseUnavailable.headers())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(DatabaseUnavailable.problem());
        }
        String detail;
        if (status.is5xxServerError()) {
            log.error("error {} on {}", status.value(), uri, (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            detail = "internal error; the server log has the details";
        } else {
            detail = clientFault(request, status);
        }
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        if (uri != null) {
            try {
                body.setInstance(URI.create(uri.toString()));
            } catch (IllegalArgumentException e) {
                // not a URI after all: leave the instance out rather than fail the error page
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    /** A 4xx is about the request, so what the container said about it is worth passing on. */
    private static String clientFault(HttpServletRequest request, HttpStatus status) {
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (message != null && !message.toString().isBlank()) {
            return message.toString();
        }
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t && t.getMessage() != null) {
            return status.getReasonPhrase() + ": " + t.getMessage().lines().findFirst().orElse("");
        }
        return status.getReasonPhrase();
    }

    private static HttpStatus statusOf(Object code) {
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        return status == null || !status.isError() ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }
}
