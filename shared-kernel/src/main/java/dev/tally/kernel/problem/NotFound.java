package dev.tally.kernel.problem;

/** The thing a command or query names does not exist (or no longer does) in its tenant. */
public class NotFound extends RuntimeException {
    public NotFound(String message) {
        super(message);
    }
}
