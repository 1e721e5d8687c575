package dev.tally.kernel.problem;

/** The command would break a uniqueness rule, or collides with the current state. */
public class Conflict extends RuntimeException {
    private final String field;

    public Conflict(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
