package dev.tally.token.protocol;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * An RFC 6749 §5.2 error: the {@code error} code, a description for the developer, the HTTP status, and for a
 * throttled request how long to wait ({@code Retry-After}). An answer to the client, not a fault: it takes no stack
 * trace (a refusal is expected input, and a flood of bad requests should not pay for walking the stack each time);
 * what went wrong behind a {@code temporarily_unavailable} is logged with its own cause where it is caught.
 */
public class OAuthError extends RuntimeException {
    private final String error;
    private final HttpStatus status;
    private final Duration retryAfter;

    private OAuthError(String error, String description, HttpStatus status) {
        this(error, description, status, null);
    }

    private OAuthError(String error, String description, HttpStatus status, Duration retryAfter) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError("invalid_request", description, HttpStatus.BAD_REQUEST);
    }

    /** Client authentication failed: always 401, with a {@code WWW-Authenticate} challenge. */
    public static OAuthError invalidClient(String description) {
        return new OAuthError("invalid_client", description, HttpStatus.UNAUTHORIZED);
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError("unauthorized_client", description, HttpStatus.BAD_REQUEST);
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError("unsupported_grant_type", description, HttpStatus.BAD_REQUEST);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError("invalid_grant", description, HttpStatus.BAD_REQUEST);
    }

    /** RFC 6750 §3.1: the bearer token is missing, expired, revoked or not this tenant's. */
    public static OAuthError invalidToken(String description) {
        return new OAuthError("invalid_token", description, HttpStatus.UNAUTHORIZED);
    }

    /**
     * A throttle refused the request before checking its credentials: {@code 429} (RFC 6585) with {@code Retry-After}
     * in whole seconds, at least 1. The code is {@code slow_down}, the token endpoint's registered error for "too
     * many requests, wait" (RFC 8628 §3.5), so a client tells it from an outage ({@code 503 temporarily_unavailable})
     * and from wrong credentials; a throttled request with the right credentials gets the same answer.
     */
    public static OAuthError slowDown(String description, Duration retryAfter) {
        return new OAuthError("slow_down", description, HttpStatus.TOO_MANY_REQUESTS, retryAfter);
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError("invalid_scope", description, HttpStatus.BAD_REQUEST);
    }

    /** RFC 8707: the requested resource (audience) is unknown or not allowed. */
    public static OAuthError invalidTarget(String description) {
        return new OAuthError("invalid_target", description, HttpStatus.BAD_REQUEST);
    }

    public static OAuthError temporarilyUnavailable(String description) {
        return new OAuthError("temporarily_unavailable", description, HttpStatus.SERVICE_UNAVAILABLE);
    }

    public static OAuthError notFound(String description) {
        return new OAuthError("invalid_request", description, HttpStatus.NOT_FOUND);
    }

    public String error() {
        return error;
    }

    public HttpStatus status() {
        return status;
    }

    /** How long a throttled client must wait; null when the request was not throttled. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
