package dev.tally.kernel.user;

import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.problem.InvalidInput;
import java.util.Locale;

/** User ids (globally unique) and usernames (unique in a tenant, compared without regard to case). */
public final class UserIds {
    public static final int MAX_USERNAME = 128;

    private UserIds() {
    }

    public static String newId() {
        return "usr_" + RandomTokens.alphanumeric(24);
    }

    public static String requireValidUsername(String username) {
        if (username == null || username.isBlank()) {
            throw new InvalidInput("username", "is required");
        }
        if (username.length() > MAX_USERNAME || username.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidInput("username", "must be 1-" + MAX_USERNAME + " characters without spaces");
        }
        return username;
    }

    /** The form usernames are compared and looked up in. */
    public static String canonical(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
