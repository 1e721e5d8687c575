package dev.tally.bench.http;

/** A failure that ends the run with a one-line explanation (no stack trace needed). */
public final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
        super(message);
    }
}
