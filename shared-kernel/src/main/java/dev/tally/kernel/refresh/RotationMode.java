package dev.tally.kernel.refresh;

import dev.tally.kernel.problem.InvalidInput;

/** How a refresh token family treats a use of its current token. */
public enum RotationMode {
    /** The same token stays valid until it expires. */
    NONE("none"),
    /** Each use returns a new token and the old one becomes invalid; the family's absolute lifetime is fixed. */
    ROTATE("rotate"),
    /** Like {@link #ROTATE}, and each new token's absolute lifetime starts again. */
    ROTATE_SLIDING("rotate-sliding");

    private final String wireName;

    RotationMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static RotationMode parse(String value) {
        for (RotationMode m : values()) {
            if (m.wireName.equals(value)) {
                return m;
            }
        }
        throw new InvalidInput("refresh_token.rotation", "must be one of none, rotate, rotate-sliding");
    }
}
