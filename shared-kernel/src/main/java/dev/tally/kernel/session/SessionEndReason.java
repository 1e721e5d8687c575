package dev.tally.kernel.session;

/** Why a login session ended. The first two are expiries, the rest revocations. */
public enum SessionEndReason {
    IDLE("idle"),
    ABSOLUTE("absolute"),
    LOGOUT("logout"),
    ADMINISTRATOR("administrator"),
    PERMISSION_CHANGE("permission_change"),
    REFRESH_TOKEN_REUSE("refresh_token_reuse");

    private final String wireName;

    SessionEndReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
