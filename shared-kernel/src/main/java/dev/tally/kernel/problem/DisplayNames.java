package dev.tally.kernel.problem;

/** The human-readable {@code name} of tenants, APIs and clients: required, at most 200 characters, trimmed. */
public final class DisplayNames {
    public static final int MAX_LENGTH = 200;

    private DisplayNames() {
    }

    public static String require(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name", "is required");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidInput("name", "must be at most " + MAX_LENGTH + " characters");
        }
        return name.strip();
    }
}
