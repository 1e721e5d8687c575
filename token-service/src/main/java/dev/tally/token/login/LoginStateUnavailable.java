package dev.tally.token.login;

/**
 * The database that holds the login state shared by the token-service nodes (login forms in progress, failed-login
 * counts) could not be used, or holds as many forms in progress as it may. Nothing was decided: the login page answers 503 "try again shortly"
 * ({@link LoginPagesOutage}), the password grant {@code 503 temporarily_unavailable}; never a 500.
 */
public class LoginStateUnavailable extends RuntimeException {
    public LoginStateUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    public LoginStateUnavailable(String message) {
        super(message);
    }
}
