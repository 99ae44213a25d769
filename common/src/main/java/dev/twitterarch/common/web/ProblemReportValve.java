package dev.twitterarch.common.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

import jakarta.servlet.ServletException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report for requests it refuses before the application sees them (a path with
 * {@code %00}, {@code %2F}, {@code %zz} or {@code ..%2f}, a malformed request line or header, an
 * unsupported HTTP version or transfer coding, a failed Expect ...), written as RFC 9457 problem
 * details instead of Tomcat's HTML page, so a client parses every error of this API the same way.
 * Errors of mapped requests never get here: Tomcat forwards those to {@link ProblemErrorController}.
 *
 * <p>It also refuses HTTP/0.9. Tomcat 11 still answers a bare {@code GET /path} line with a body and
 * no status line or headers (no connector setting turns that off), so any 0.9 request reached the
 * API without its headers, and a client could not tell an error from a page. Such a request gets an
 * HTTP/1.1 505 instead, written as raw bytes, since Tomcat writes no status line for HTTP/0.9.
 */
final class ProblemReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DETAIL = 300;

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getProtocol().isEmpty()) {
            refuseHttp09(response);
            return;
        }
        super.invoke(request, response);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as the base class: only an error, only once, only if nothing was written and the client can still read
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8);
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(problem(status, detail(status, response.getMessage(), throwable)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client has gone or the response cannot be written: nothing left to tell anyone
        }
    }

    static String detail(int status, String message, Throwable throwable) {
        if (status >= 500 && status != 501 && status != 505) {
            return "internal error; the server log has the details";
        }
        String cause = message;
        if ((cause == null || cause.isBlank()) && throwable != null && throwable.getMessage() != null) {
            cause = throwable.getMessage().lines().findFirst().orElse(null);
        }
        if (cause == null || cause.isBlank()) {
            cause = reasonOf(status);
        }
        cause = cause.length() <= MAX_DETAIL ? cause : cause.substring(0, MAX_DETAIL) + "...";
        if (cause.startsWith("Invalid URI")) {
            return "the request path is not valid: it has bad percent-encoding, an encoded '/', '\\' or NUL, "
                    + "or '..' that leaves the root (" + cause + ")";
        }
        return "the request was refused before it reached the API: " + cause;
    }

    private static void refuseHttp09(Response response) throws IOException {
        byte[] body = problem(HttpStatus.HTTP_VERSION_NOT_SUPPORTED.value(),
                "HTTP/0.9 is not supported: send HTTP/1.1, a request line that ends with the version ('GET /path HTTP/1.1')")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 505 HTTP Version Not Supported\r\n"
                + "Content-Type: application/problem+json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        response.setStatus(HttpStatus.HTTP_VERSION_NOT_SUPPORTED.value());
        OutputStream out = response.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        response.finishResponse();
    }

    private static String problem(int status, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("title", reasonOf(status));
        problem.put("status", status);
        problem.put("detail", detail);
        return JSON.writeValueAsString(problem);
    }

    private static String reasonOf(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Error " + status : known.getReasonPhrase();
    }
}
