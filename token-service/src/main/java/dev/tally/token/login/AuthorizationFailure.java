package dev.tally.token.login;

/**
 * An authorization request that fails after the client and its redirect URI were validated: the error goes back
 * to the client's redirect URI (RFC 6749 §4.1.2.1), with the request's {@code state}.
 */
public class AuthorizationFailure extends RuntimeException {
    private final String error;

    public AuthorizationFailure(String error, String description) {
        super(description);
        this.error = error;
    }

    public String error() {
        return error;
    }
}
