package dev.tally.bench;

/** A failure that ends the run with a one-line explanation (no stack trace needed). */
final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchException(String message) {
        super(message);
    }
}
