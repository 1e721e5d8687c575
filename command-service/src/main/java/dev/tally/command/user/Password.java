package dev.tally.command.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.tally.kernel.crypto.PasswordHasher;
import dev.tally.kernel.problem.InvalidInput;

/**
 * A password as the management API receives it. It has no accessor and prints as {@code [redacted]}, so a request
 * that holds one can be logged or shown in an error without leaking it; all that can be done with it is to check
 * its length and hash it.
 */
public final class Password {
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 1024;

    private final String value;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public Password(String value) {
        this.value = value;
    }

    /**
     * @return the Argon2id PHC string of this password
     * @throws InvalidInput on field {@code password} unless it is 8-1024 characters (Unicode code points). The upper
     *                      bound keeps the hashing cost of a request bounded; the message never repeats the password.
     */
    String hashWith(PasswordHasher hasher) {
        int length = value == null ? 0 : value.codePointCount(0, value.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new InvalidInput("password", "must be " + MIN_LENGTH + "-" + MAX_LENGTH + " characters");
        }
        return hasher.hash(value);
    }

    @Override
    public String toString() {
        return "[redacted]";
    }
}
