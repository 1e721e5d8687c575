package dev.tally.kernel.user;

import dev.tally.kernel.problem.InvalidInput;

/**
 * The tenant setting {@code on_permission_change}: what follows when a user's roles or permissions change.
 */
public enum PermissionChangePolicy {
    /** The user's refresh-token families are revoked (and with them the access tokens issued from them). The default. */
    REVOKE_REFRESH_TOKENS("revoke_refresh_tokens"),
    /** Families and login sessions are revoked, and every token issued to the user before the change is refused. */
    REVOKE_ALL("revoke_all"),
    /** Nothing is revoked: tokens carry the old roles until they expire. */
    NONE("none");

    public static final PermissionChangePolicy DEFAULT = REVOKE_REFRESH_TOKENS;

    private final String wireName;

    PermissionChangePolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static PermissionChangePolicy fromWire(String value) {
        for (PermissionChangePolicy p : values()) {
            if (p.wireName.equals(value)) {
                return p;
            }
        }
        throw new InvalidInput("on_permission_change",
                "must be one of revoke_refresh_tokens, revoke_all, none; was '" + value + "'");
    }
}
