package dev.tally.token.endpoint;

import dev.tally.token.login.LoginStateUnavailable;
import dev.tally.token.protocol.OAuthEndpoint;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.RetryAfter;
import dev.tally.token.view.StoreUnavailable;
import dev.tally.transport.CommandServiceUnavailable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Renders failures of the OAuth endpoints as RFC 6749 §5.2 JSON errors; nothing leaks as an HTML page or a 500. */
@RestControllerAdvice(annotations = OAuthEndpoint.class)
public class OAuthErrors {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthErrors.class);

    @ExceptionHandler(OAuthError.class)
    public ResponseEntity<Map<String, String>> onOAuthError(OAuthError e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status())
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache");
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            String scheme = e.error().equals("invalid_token") ? "Bearer" : "Basic";
            response.header(HttpHeaders.WWW_AUTHENTICATE, scheme + " realm=\"tally\", error=\"" + e.error() + "\"");
        }
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(RetryAfter.seconds(e.retryAfter())));
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.getMessage());
        return response.body(body);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<Map<String, String>> onMediaType(HttpMediaTypeNotSupportedException e) {
        return onOAuthError(OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<Map<String, String>> onMethod(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "invalid_request", "error_description", "method " + e.getMethod() + " is not allowed here"));
    }

    /**
     * In distributed mode the command service could not be asked (no connection, or no answer in time) where an
     * endpoint does not handle that itself: like a store failure, {@code 503 temporarily_unavailable}, never 500.
     */
    @ExceptionHandler(CommandServiceUnavailable.class)
    public ResponseEntity<Map<String, String>> onCommandServiceUnavailable(CommandServiceUnavailable e) {
        LOG.warn("the command service could not be asked: {}", e.getMessage());
        return onOAuthError(OAuthError.temporarilyUnavailable("the service is temporarily unavailable; retry shortly"));
    }

    /**
     * The password grant could not read or record failed logins, or a user could not be read from the store: nothing
     * was decided, retry.
     */
    @ExceptionHandler({LoginStateUnavailable.class, StoreUnavailable.class})
    public ResponseEntity<Map<String, String>> onStateUnavailable(RuntimeException e) {
        LOG.warn("{}: {}", e.getMessage(), e.getCause() == null ? "" : e.getCause().getMessage());
        return onOAuthError(OAuthError.temporarilyUnavailable("the service is temporarily unavailable; retry shortly"));
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, String>> onUnexpected(Exception e) {
        LOG.error("OAuth endpoint failed", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .body(Map.of("error", "server_error", "error_description", "the request failed; no token was issued"));
    }
}
