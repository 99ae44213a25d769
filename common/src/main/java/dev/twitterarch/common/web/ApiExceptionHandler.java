package dev.twitterarch.common.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.transaction.TransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one error contract of the API: every error is an RFC 9457 {@code application/problem+json}
 * body whose {@code detail} names the field, header, parameter or id at fault. Spring MVC's own
 * exceptions (wrong content type, unknown path, wrong method ...) come through the base class;
 * this class words the ones a client will meet most. Nothing here ever returns a stack trace.
 * What never reaches a controller is answered in the same form by {@link ProblemErrorController}
 * (errors the servlet container forwards) and {@link ProblemReportValve} (requests Tomcat refuses).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate Object property \"(.*)\"");
    private static final Pattern NUMBER_LENGTH = Pattern.compile("Number value length \\((\\d+)\\)");

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> apiException(ApiException e, WebRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.addAll(e.headers());
        // RFC 9110: a 401 names the scheme to authenticate with; the resource server's entry point has
        // already written a fuller challenge (error="invalid_token" ...) when a token was refused
        if (e.status() == HttpStatus.UNAUTHORIZED && !headers.containsHeader(HttpHeaders.WWW_AUTHENTICATE)
                && !(request instanceof ServletWebRequest servlet && servlet.getResponse() != null
                     && servlet.getResponse().containsHeader(HttpHeaders.WWW_AUTHENTICATE))) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return problem(e, e.status(), e.getMessage(), Map.of(), headers, request);
    }

    /**
     * Spring Security's firewall checks header and parameter values when they are first read, so it
     * can refuse a request inside a controller too (a control character in a query parameter); in a
     * filter, {@code SecurityConfiguration} hands the same refusal to this handler.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> rejected(RequestRejectedException e, WebRequest request) {
        return problem(e, HttpStatus.BAD_REQUEST, rejectedDetail(e), Map.of(), request);
    }

    /** The firewall's own sentence ("... because the URL contained a potentially malicious String ..."), cut short. */
    private static String rejectedDetail(RequestRejectedException e) {
        String message = e.getMessage() == null ? "it is not allowed" : e.getMessage();
        return "the request was refused before it reached the API: "
                + (message.length() <= 300 ? message : message.substring(0, 300) + "...");
    }

    /**
     * Tomcat parses the query string (and a form body) lazily, on the first {@code getParameter}, and
     * throws this when it cannot: more than {@code server.tomcat.max-parameter-count} parameters, or
     * encoding that {@link QueryParameters} did not catch first. A client mistake, never a 500.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> invalidParameters(InvalidParameterException e, WebRequest request) {
        HttpStatus known = HttpStatus.resolve(e.getErrorCode());
        HttpStatus status = known == null || !known.is4xxClientError() ? HttpStatus.BAD_REQUEST : known;
        String detail = e.getMessage() != null && e.getMessage().startsWith("More than the maximum number")
                ? "too many parameters: the query string and form body together may hold at most "
                        + QueryParameters.MAX_PARAMETERS + " (this API reads at most two)"
                : "the query string or form body is not valid percent-encoded UTF-8";
        return problem(e, status, detail, Map.of(), request);
    }

    /** PostgreSQL cannot be reached, or a statement failed for a passing reason: 503 and Retry-After, never 500. */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<Object> databaseFailure(Exception e, WebRequest request) {
        if (DatabaseUnavailable.is(e)) {
            return databaseUnavailable(e, request);
        }
        return unexpected(e, request);
    }

    private ResponseEntity<Object> databaseUnavailable(Exception e, WebRequest request) {
        log.warn("503 on {}: the database is unavailable: {}", request.getDescription(false), DatabaseUnavailable.describe(e));
        return handleExceptionInternal(e, DatabaseUnavailable.problem(), DatabaseUnavailable.headers(),
                HttpStatus.SERVICE_UNAVAILABLE, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        if (DatabaseUnavailable.is(e)) {
            return databaseUnavailable(e, request);
        }
        log.error("unexpected error on {}", request.getDescription(false), e);
        return problem(e, HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the server log has the details", Map.of(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = e.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(JsonNames.of(error.getField()), messageOf(error)))
                .sorted(Comparator.comparing(FieldProblem::field))
                .toList();
        String detail = String.join("; ", errors.stream().map(error -> error.field() + ": " + error.message()).toList());
        return problem(e, HttpStatus.BAD_REQUEST, detail, Map.of("errors", errors), request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        return problem(e, HttpStatus.BAD_REQUEST, unreadableBody(e), Map.of(), request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        String detail = "'" + name + "' must be " + describe(e.getRequiredType()) + ", was '"
                + ApiException.abbreviate(String.valueOf(e.getValue())) + "'";
        return problem(e, HttpStatus.BAD_REQUEST, detail, Map.of(), request);
    }

    /** The Allow header (Spring's, from the path's mappings) stays; the detail says what it allows. */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException e,
                                                                         HttpHeaders headers, HttpStatusCode status,
                                                                         WebRequest request) {
        String allowed = e.getSupportedHttpMethods() == null || e.getSupportedHttpMethods().isEmpty() ? "no method"
                : String.join(", ", e.getSupportedHttpMethods().stream().map(HttpMethod::name).sorted().toList());
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED, "method "
                + ApiException.abbreviate(e.getMethod()) + " is not allowed here; this path allows " + allowed);
        return handleExceptionInternal(e, body, headers, HttpStatus.METHOD_NOT_ALLOWED, request);
    }

    /**
     * A response this resource cannot give is refused before the handler runs (every mapping declares
     * what it produces), so a refused POST has stored nothing. An Accept header that is not a list of
     * media types at all is a malformed request, 400.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e,
                                                                      HttpHeaders headers, HttpStatusCode status,
                                                                      WebRequest request) {
        String accept = String.join(", ", headerValues(request, HttpHeaders.ACCEPT));
        try {
            MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException malformed) {
            return problem(e, HttpStatus.BAD_REQUEST, "header Accept is not a list of media types: '"
                    + ApiException.abbreviate(accept) + "'", Map.of(), request);
        }
        return problem(e, HttpStatus.NOT_ACCEPTABLE, "this resource is only available as "
                + MediaType.toString(e.getSupportedMediaTypes()) + "; header Accept asked for '"
                + ApiException.abbreviate(accept) + "'", Map.of(), request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        if (e.getContentType() != null) {
            return super.handleHttpMediaTypeNotSupported(e, headers, status, request);
        }
        List<String> contentTypes = headerValues(request, HttpHeaders.CONTENT_TYPE);
        if (contentTypes.isEmpty()) {
            return problem(e, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "header Content-Type is missing; send application/json",
                    Map.of(), request);
        }
        String contentType = ApiException.abbreviate(String.join(", ", contentTypes));
        return problem(e, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "header Content-Type is not a media type: '" + contentType
                + "'; send application/json", Map.of(), request);
    }

    /**
     * Every error body is {@code application/problem+json}, whatever the request's Accept header says:
     * negotiating it would drop the body for a client that asked for XML or sent a malformed Accept.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        if (body instanceof ProblemDetail) {
            HttpHeaders withType = HttpHeaders.copyOf(headers);
            withType.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            return new ResponseEntity<>(body, withType, statusCode);
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static List<String> headerValues(WebRequest request, String name) {
        String[] values = request.getHeaderValues(name);
        return values == null ? List.of() : List.of(values);
    }

    /** One invalid field of a request body, in the {@code errors} list of a 400. */
    record FieldProblem(String field, String message) {
    }

    private ResponseEntity<Object> problem(Exception e, HttpStatus status, String detail, Map<String, Object> properties,
                                           WebRequest request) {
        return problem(e, status, detail, properties, new HttpHeaders(), request);
    }

    private ResponseEntity<Object> problem(Exception e, HttpStatus status, String detail, Map<String, Object> properties,
                                           HttpHeaders headers, WebRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        properties.forEach(body::setProperty);
        return handleExceptionInternal(e, body, headers, status, request);
    }

    private static String unreadableBody(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (cause instanceof InputCoercionException number) {
            return fieldOf(number) + " is out of range: " + number.getOriginalMessage();
        }
        if (cause instanceof StreamReadException json) {
            Matcher duplicate = DUPLICATE.matcher(json.getOriginalMessage());
            if (duplicate.find()) {
                // which one would count is a guess; the client must say what it means once
                return "field '" + ApiException.abbreviate(duplicate.group(1)) + "' is given twice";
            }
            return "request body is not valid JSON: " + json.getOriginalMessage();
        }
        if (cause instanceof StreamConstraintsException limit) {
            // thrown while the parser reads the token, before any field is bound, so Jackson knows no field name
            Matcher length = NUMBER_LENGTH.matcher(limit.getOriginalMessage());
            if (length.find()) {
                return "a number in the request body has " + length.group(1) + " digits: ids are 64-bit integers";
            }
            return "request body exceeds a limit of the JSON parser: " + limit.getOriginalMessage();
        }
        if (cause instanceof InvalidFormatException format && format.getTargetType() != null && !format.getPath().isEmpty()) {
            // a fraction for an id, a number for a text ...: coercion is off (StrictJson)
            return fieldOf(format) + " must be " + describe(format.getTargetType()) + ", was "
                    + ApiException.abbreviate(String.valueOf(format.getValue()));
        }
        if (cause instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null && !mismatch.getPath().isEmpty()) {
            return fieldOf(mismatch) + " must be " + describe(mismatch.getTargetType());
        }
        if (cause instanceof MismatchedInputException trailing && trailing.getOriginalMessage().startsWith("Trailing token")) {
            return "request body must be one JSON object, and something follows it";
        }
        if (cause instanceof JacksonException json && !json.getPath().isEmpty()) {
            return fieldOf(json) + " is invalid: " + json.getOriginalMessage();
        }
        return "request body is missing or not a JSON object";
    }

    private static String fieldOf(JacksonException e) {
        return e.getPath().isEmpty() ? "a field" : "field '" + e.getPath().get(e.getPath().size() - 1).getPropertyName() + "'";
    }

    private static String describe(Class<?> type) {
        if (type == long.class || type == Long.class) {
            return "a 64-bit integer";
        }
        if (type == int.class || type == Integer.class) {
            return "a 32-bit integer";
        }
        if (type == String.class) {
            return "a string";
        }
        return "of type " + (type == null ? "?" : type.getSimpleName());
    }

    private static String messageOf(FieldError error) {
        return error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
    }
}
