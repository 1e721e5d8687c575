package dev.tally.platform.problem;

import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.platform.admin.Forbidden;
import java.net.URI;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure of the management API into an RFC 9457 problem: bad input names the field and gets a 4xx,
 * never a 500. Domain rules come from the aggregates as {@link InvalidInput}, {@link Conflict} and {@link NotFound},
 * possibly wrapped by the command bus.
 */
@RestControllerAdvice(annotations = ManagementApi.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ManagementProblems extends ResponseEntityExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementProblems.class);

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> onDomainFailure(Exception thrown) {
        Throwable cause = thrown;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (cause instanceof InvalidInput e) {
                String detail = e.getMessage().startsWith(e.field()) ? e.getMessage() : e.field() + ": " + e.getMessage();
                ResponseEntity<ProblemDetail> response = problem(HttpStatus.BAD_REQUEST, "Invalid field", detail, e.field());
                e.details().forEach(response.getBody()::setProperty);
                return response;
            }
            if (cause instanceof Conflict e) {
                return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage(), e.field());
            }
            if (cause instanceof Forbidden e) {
                return problem(HttpStatus.FORBIDDEN, "Forbidden", e.getMessage(), null);
            }
            if (cause instanceof NotFound e) {
                return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), null);
            }
            if (cause instanceof AggregateNotFoundException) {
                return problem(HttpStatus.NOT_FOUND, "Not found", "no such resource", null);
            }
            if (cause instanceof ConcurrencyException) {
                return problem(HttpStatus.CONFLICT, "Conflict",
                        "the resource was changed or created concurrently; read it again and retry", null);
            }
            if (cause instanceof EventStoreException) {
                LOG.error("event store unavailable", thrown);
                return problem(HttpStatus.SERVICE_UNAVAILABLE, "Event store unavailable",
                        "the change was not recorded; retry later", null);
            }
        }
        LOG.error("management API request failed", thrown);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "the request failed; nothing was changed", null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getCause();
        if (cause instanceof JacksonException json) {
            String field = fieldOf(json);
            String detail = field == null
                    ? "the body is not valid JSON" + where(json)
                    : field + ": " + describe(json);
            return ResponseEntity.badRequest().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                    .body(body(HttpStatus.BAD_REQUEST, field == null ? "Malformed JSON" : "Invalid field", detail, field));
        }
        return ResponseEntity.badRequest().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(body(HttpStatus.BAD_REQUEST, "Unreadable body", "a JSON body is required", null));
    }

    /**
     * Where the body stopped being JSON, and not what was there: the parser's own message quotes the offending text,
     * which may be a password sent unquoted.
     */
    private static String where(JacksonException json) {
        TokenStreamLocation at = json.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** Says what is wrong with a field without the parser's class names. */
    private static String describe(JacksonException json) {
        if (json instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (json instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + expected(m.getTargetType());
        }
        return "has an invalid value";
    }

    private static String expected(Class<?> type) {
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a value of another type";
    }

    private static String fieldOf(JacksonException json) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : json.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }

    /**
     * The framework's own refusals (a query parameter of the wrong type, a method or media type not supported) leave
     * {@code type} unset and so out of the body; every problem of this API names it, as the description promises.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        if (body instanceof ProblemDetail p && p.getType() == null) {
            p.setType(URI.create("about:blank"));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail, String field) {
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(body(status, title, detail, field));
    }

    private static ProblemDetail body(HttpStatus status, String title, String detail, String field) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        p.setType(URI.create("about:blank"));
        if (field != null) {
            p.setProperty("field", field);
        }
        return p;
    }
}
