package dev.tally.token.protocol;

import org.springframework.http.HttpStatus;

/** An RFC 6749 §5.2 error: the {@code error} code, a description for the developer, and the HTTP status. */
public class OAuthError extends RuntimeException {
    private final String error;
    private final HttpStatus status;

    private OAuthError(String error, String description, HttpStatus status) {
        super(description);
        this.error = error;
        this.status = status;
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

    public static OAuthError slowDown(String description) {
        return new OAuthError("invalid_grant", description, HttpStatus.TOO_MANY_REQUESTS);
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
}
