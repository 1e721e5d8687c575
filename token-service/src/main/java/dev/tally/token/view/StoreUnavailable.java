package dev.tally.token.view;

/**
 * A user or a login session could not be read (the event store or the command side's username index could not be
 * reached): nothing was decided; the OAuth endpoints answer {@code 503 temporarily_unavailable}, the login pages a 503
 * page, never "no such user", never a 500.
 */
public class StoreUnavailable extends RuntimeException {
    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
