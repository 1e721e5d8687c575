package dev.tally.kernel.rule;

import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.problem.InvalidInput;
import java.util.regex.Pattern;

/** Identifiers and names of lifetime rules. Names appear in traces as {@code rule:NAME}. */
public final class RuleIds {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    private RuleIds() {
    }

    public static String newId() {
        return "rule_" + RandomTokens.alphanumeric(24);
    }

    public static String requireValidName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name", "is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInput("name", "must be 1-100 characters of letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
        return name;
    }
}
