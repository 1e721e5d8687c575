package dev.tally.kernel.stream;

/** An event whose type is not (or not at that revision) in {@link EventTypes}. */
public class UnknownEventTypeException extends IllegalArgumentException {
    public UnknownEventTypeException(String message) {
        super(message);
    }
}
