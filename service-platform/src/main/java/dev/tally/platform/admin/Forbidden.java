package dev.tally.platform.admin;

/** The caller is authenticated but may not do this: a 403 problem on the management API. */
public class Forbidden extends RuntimeException {
    public Forbidden(String message) {
        super(message);
    }
}
