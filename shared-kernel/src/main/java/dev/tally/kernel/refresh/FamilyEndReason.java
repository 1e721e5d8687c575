package dev.tally.kernel.refresh;

/** Why a refresh token family ended. */
public enum FamilyEndReason {
    ABSOLUTE("absolute"),
    IDLE("idle"),
    REUSE("reuse"),
    REVOKED_BY_CLIENT("revoked_by_client"),
    LOGOUT("logout"),
    ADMINISTRATOR("administrator"),
    PERMISSION_CHANGE("permission_change");

    private final String wireName;

    FamilyEndReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
