package dev.tally.console.api;

/** No answer from the management API (connection refused, timeout): shown as 502. */
public class ApiUnreachable extends RuntimeException {
    public ApiUnreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
