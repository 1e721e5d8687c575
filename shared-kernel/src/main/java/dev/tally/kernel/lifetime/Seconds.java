package dev.tally.kernel.lifetime;

import dev.tally.kernel.problem.InvalidInput;

/**
 * Validation shared by the settings records, so every record rejects nonsense the same way
 * and names the offending field in the message.
 */
final class Seconds {

    private Seconds() {
    }

    static long requirePositive(String field, long seconds) {
        if (seconds <= 0) {
            throw new InvalidInput(field, field + " must be a positive number of seconds, was " + seconds);
        }
        if (seconds > LifetimeDecision.MAX_LIFETIME_SECONDS) {
            throw new InvalidInput(field, field + " must be at most " + LifetimeDecision.MAX_LIFETIME_SECONDS
                    + " seconds (representable expiry), was " + seconds);
        }
        return seconds;
    }

    static void requireNotAbove(String field, long seconds, String boundField, long bound) {
        if (seconds > bound) {
            throw new InvalidInput(field,
                    field + " (" + seconds + ") must not exceed " + boundField + " (" + bound + ")");
        }
    }

    static String requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInput(field, field + " must not be blank");
        }
        return value;
    }
}
