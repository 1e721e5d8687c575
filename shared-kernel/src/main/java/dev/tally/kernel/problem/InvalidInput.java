package dev.tally.kernel.problem;

/** A request or command broke a rule about one of its fields. {@code field} uses the management API's name. */
public class InvalidInput extends RuntimeException {
    private final String field;

    public InvalidInput(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
