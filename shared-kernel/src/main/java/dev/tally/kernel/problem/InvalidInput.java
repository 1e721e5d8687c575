package dev.tally.kernel.problem;

import java.util.Map;

/**
 * A request or command broke a rule about one of its fields. {@code field} uses the management API's name;
 * {@code details} carries anything more a client can act on (for a rule condition: the line and column).
 * An {@link IllegalArgumentException}, so value types can reject nonsense with it and still say which field.
 */
public class InvalidInput extends IllegalArgumentException {
    private final String field;
    private final transient Map<String, Object> details;

    public InvalidInput(String field, String message) {
        this(field, message, Map.of());
    }

    public InvalidInput(String field, String message, Map<String, Object> details) {
        super(message);
        this.field = field;
        this.details = Map.copyOf(details);
    }

    public String field() {
        return field;
    }

    public Map<String, Object> details() {
        return details;
    }
}
